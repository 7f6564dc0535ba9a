#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["plan"]:
        # Planning an instance file needs no database, no settings and no Django: the pure
        # planner starts in a fraction of the time (the kit's compare.py times the whole command).
        from voting.grid.planner.__main__ import main

        sys.exit(main(sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "barcamp.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
