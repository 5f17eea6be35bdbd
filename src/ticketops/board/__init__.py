"""Layer ``board`` (an entry point, beside hooks, watch and schedule): ``ticketops board``, a local
web page of the tickets, with git as the writer and ADO as the preview.

Starlette + Jinja2 + htmx (vendored in ``static/``), served by uvicorn; installed with the
``ticketops[board]`` extra and imported only by ``ticketops board``, so the CLI's start-up for
hooks never pays for it. ``app.BoardApp`` is the web app, ``export.export_html`` the static file.
"""
