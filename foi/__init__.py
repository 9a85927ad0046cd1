"""foi: a Freedom of Information campaign manager.

Send the same request to many public bodies, track each against its statutory
deadline, read the answers into one SQLite database and publish the dataset with
an honest account of coverage.
"""

__version__ = "0.1.0"
