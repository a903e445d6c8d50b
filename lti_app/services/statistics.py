"""The Statistics tab's figures for a resource: finished attempts that are not deleted."""
from ..reports.statistics import ResourceFigures
from . import results


def resource_figures(resource_id) -> ResourceFigures:
    figures = ResourceFigures()
    for batch in results.attempt_batches(resource_id, finished_only=True):
        for result in batch:
            figures.add(result)
    return figures
