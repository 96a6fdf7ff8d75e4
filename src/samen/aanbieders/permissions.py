"""Who may do what with the providers' accountability documents. Which documents and questions
a user sees is decided in ``queries`` (a provider its own, a municipality the adopted ones)."""

from samen.accounts.models import Rol
from samen.accounts.permissions import PUBLIEK, register

# Everyone sees which documents were adopted and when (not the file itself).
register("aanbieders.bekijken", {PUBLIEK})
# A provider submits its annual plan, budget and annual accounts.
register("aanbieders.indienen", {Rol.AANBIEDER})
# The VNG committee adopts or rejects a document.
register("aanbieders.vaststellen", {Rol.COMMISSIE})
# The file: municipalities (adopted documents), the provider (its own) and staff.
register(
    "aanbieders.bestand.bekijken",
    {Rol.GEMEENTE, Rol.AANBIEDER, Rol.COMMISSIE, Rol.PROGRAMMABUREAU, Rol.BESTUUR},
)
# Questions and answers on adopted documents.
register(
    "aanbieders.vragen.bekijken",
    {Rol.GEMEENTE, Rol.AANBIEDER, Rol.COMMISSIE, Rol.PROGRAMMABUREAU, Rol.BESTUUR},
)
register("aanbieders.vragen.stellen", {Rol.GEMEENTE})
register("aanbieders.vragen.beantwoorden", {Rol.AANBIEDER})
# The programme office records the members' decision on renewing an arrangement.
register("aanbieders.verlenging", {Rol.PROGRAMMABUREAU})
