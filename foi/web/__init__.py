"""`foi serve`: a local web page over the campaign database for the review desk.

Pages read and write through the same library functions as the CLI (foi.extract.review,
foi.triage.inbox, foi.tracking); this package adds only the HTTP shell, its guard
(foi.web.guard) and the templates.
"""
