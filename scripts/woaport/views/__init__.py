"""Views: how each result is shown. Results hold data; a view turns one into terminal lines,
Markdown for the job summary, and annotations. The reporter (:mod:`woaport.cli.reporter`)
decides where each form goes, and neutralises untrusted text on GitHub Actions.

One module per result family (``views.contract``, ``views.queue``, ...). Nothing here prints
or imports click.
"""
