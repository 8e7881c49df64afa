"""orderbot: grounded, cited answers about "Toward a Better Security Order".

The pipeline runs one way: ``ingest`` -> ``index`` -> ``retrieve`` -> ``generate`` ->
``pipeline``; ``cli`` sits on top.
"""

__version__ = "0.1.0"
