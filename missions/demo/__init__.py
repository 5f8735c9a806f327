"""The demo data set and the service that loads it (`python manage.py seed_demo`)."""

from missions.demo.data_organisations import DEMO_PASSWORD
from missions.demo.service import (
    DemoCredential,
    SeedSummary,
    clock_change_days,
    demo_credentials,
    seed_demo,
)

__all__ = [
    "DEMO_PASSWORD",
    "DemoCredential",
    "SeedSummary",
    "clock_change_days",
    "demo_credentials",
    "seed_demo",
]
