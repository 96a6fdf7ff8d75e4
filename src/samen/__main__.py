"""The `samen` console command: Django's management commands with Samen's settings."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samen.conf.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["samen", *argv])
    args[0] = "samen"
    if len(args) > 1 and not args[1].startswith("-"):
        # `samen import-cbs` runs the Django command `import_cbs`.
        args[1] = args[1].replace("-", "_")
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
