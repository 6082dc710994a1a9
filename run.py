"""Run the portal: `python run.py` serves SQLite with demo data; gunicorn uses `run:server`."""
from __future__ import annotations

import os
import sys

from dashboard import create_app
from dashboard.bootstrap import DEMO_LOGINS, prepare_database
from dashboard.branding import BrandingError

try:
    server = create_app()
except BrandingError as error:  # the operator's file: its reasons, not a traceback
    sys.exit(str(error))


def main() -> None:
    """Prepare the database, print where to go and who to be, and serve."""
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8050"))
    prepare_database(server)
    print(f"\n{server.extensions['branding'].portal_name}: http://{host}:{port}/")
    print(f"Database: {server.config['SQLALCHEMY_DATABASE_URI']}")
    if server.config["LOAD_DEMO"]:
        print("Accessi dimostrativi:")
        for who, login, password in DEMO_LOGINS:
            print(f"  {who:38} {login:26} {password}")
    print()
    server.run(host=host, port=port, debug=False)


if __name__ == "__main__":
    main()
