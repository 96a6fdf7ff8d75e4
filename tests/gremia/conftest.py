"""The providers' fixtures (arrangement, provider, submitted document, committee user)."""

from tests.aanbieders.conftest import (  # noqa: F401
    aanbieder,
    akj,
    arrangement,
    commissie,
    ingediend,
    kantoor,
    make_arrangement,
)
