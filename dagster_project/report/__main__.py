"""``python -m dagster_project.report``: see ``report.cli``."""

from dagster_project.report.cli import main

main()
