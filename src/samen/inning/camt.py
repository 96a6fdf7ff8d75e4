"""Writing a CAMT.053 (camt.053.001.02) statement: used to make the demo statement and in tests.
Pure module. An entry is a dict: ``ref`` (AcctSvcrRef), ``datum``, ``bedrag`` and either one
transaction (``e2e``, ``omschrijving``, ``naam``, ``iban``) or ``batch``: a list of such
transactions with their own ``bedrag`` and ``ref``; ``terugboeking`` makes it a reversal
(DBIT with RvslInd true) and ``debet`` an ordinary debit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from samen.inning.afschriften import NS


def _tx(tx: dict[str, Any], with_amount: bool, party: str) -> str:
    refs = f"<AcctSvcrRef>{escape(tx['ref'])}</AcctSvcrRef>" if tx.get("ref") else ""
    refs += f"<EndToEndId>{escape(tx.get('e2e') or 'NOTPROVIDED')}</EndToEndId>"
    amount = (
        f'<AmtDtls><TxAmt><Amt Ccy="EUR">{tx["bedrag"]}</Amt></TxAmt></AmtDtls>'
        if with_amount
        else ""
    )
    return (
        f"<TxDtls><Refs>{refs}</Refs>{amount}"
        f"<RltdPties><{party}><Nm>{escape(tx.get('naam', ''))}</Nm></{party}>"
        f"<{party}Acct><Id><IBAN>{escape(tx.get('iban', ''))}</IBAN></Id></{party}Acct></RltdPties>"
        f"<RmtInf><Ustrd>{escape(tx.get('omschrijving', ''))}</Ustrd></RmtInf></TxDtls>"
    )


def build(
    identificatie: str,
    rekening: str,
    entries: list[dict[str, Any]],
    aangemaakt: str,
    commentaar: str = "",
) -> bytes:
    parts = []
    for e in entries:
        reversal = bool(e.get("terugboeking"))
        debit = reversal or bool(e.get("debet"))
        party = "Cdtr" if debit and not reversal else "Dbtr"
        batch = e.get("batch")
        if batch:
            total = sum((Decimal(str(t["bedrag"])) for t in batch), Decimal("0.00"))
            details = "".join(_tx(t, True, party) for t in batch)
            btch = f"<Btch><NbOfTxs>{len(batch)}</NbOfTxs></Btch>"
        else:
            total = Decimal(str(e["bedrag"]))
            details = _tx({**e, "ref": ""}, False, party)
            btch = ""
        parts.append(
            f'<Ntry><Amt Ccy="EUR">{total}</Amt>'
            f"<CdtDbtInd>{'DBIT' if debit else 'CRDT'}</CdtDbtInd>"
            + ("<RvslInd>true</RvslInd>" if reversal else "")
            + f"<Sts>BOOK</Sts><BookgDt><Dt>{e['datum']}</Dt></BookgDt>"
            f"<ValDt><Dt>{e['datum']}</Dt></ValDt><AcctSvcrRef>{escape(e['ref'])}</AcctSvcrRef>"
            "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly>"
            f"</Domn></BkTxCd><NtryDtls>{btch}{details}</NtryDtls></Ntry>"
        )
    comment = f"<!-- {escape(commentaar)} -->\n" if commentaar else ""
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"{comment}"
        f'<Document xmlns="{NS}"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>{escape(identificatie)}</MsgId><CreDtTm>{aangemaakt}</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{escape(identificatie)}</Id><CreDtTm>{aangemaakt}</CreDtTm>"
        f"<Acct><Id><IBAN>{escape(rekening)}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        + "".join(parts)
        + "</Stmt></BkToCstmrStmt></Document>\n"
    )
    return xml.encode("utf-8")
