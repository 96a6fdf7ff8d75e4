"""Who may do what with the bodies. The public sees every body, its composition, reglementen and
meetings; the programme office keeps bodies, members and reglementen; a body's secretary (the
membership with rol secretaris linked to their account) keeps its meetings: the services check
that it is the secretary of *that* body."""

from samen.accounts.models import Rol
from samen.accounts.permissions import PUBLIEK, register

register("gremia.bekijken", {PUBLIEK})
register("gremia.beheren", {Rol.PROGRAMMABUREAU})
# Any staff role may be a body's secretary (the service checks the membership).
register(
    "gremia.secretariaat",
    {Rol.PROGRAMMABUREAU, Rol.TASKFORCE, Rol.COLLEGE, Rol.COMMISSIE, Rol.BESTUUR},
)
