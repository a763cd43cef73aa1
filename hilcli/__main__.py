"""`python -m hilcli` runs the `hil` command."""

from hilcli.cli import main

if __name__ == "__main__":
    main()
