"""Reading the answers: figures in replies and attachments onto the campaign's
questions x periods, each value with its provenance.

Readers (one module per format) turn bytes into `Table`s of cell text with exact
locations; `mapper` finds questions and periods in them; `run` stores values.
"""

# Bump when a reader changes what it returns: cached readings of older versions
# are then read again.
EXTRACTOR_VERSION = "5"  # 5: text tables (|, aligned, loose, one cell per line)
