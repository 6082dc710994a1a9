"""Use cases as plain functions, called alike by Dash pages, Flask routes and commands.

Where they sit (DESIGN.md §2): models/ holds the data and the domain's rules and knows nothing
of the web application; dashboard/pages/ and the blueprints are thin adapters that read the
request, ask the access gate and build components or responses. A service runs one use case
between the two: it works on the database session, commits, retries a lost race, sends the
mail that follows, and assembles what a page and an export both show. That needs the
application (its configuration, its mail), so services live in dashboard/, not in models/.

Services never read the Flask session and never build components: callers pass the objects the
access gate (dashboard/access.py) returned and an Actor saying who acts, so a command or a test
calls them the same way a page does.
"""
