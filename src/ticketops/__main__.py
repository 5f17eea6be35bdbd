import sys

from ticketops.cli.main import entry

if __name__ == "__main__":
    sys.exit(entry())
