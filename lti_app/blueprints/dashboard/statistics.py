"""The Statistics tab: how the exam went, as server-drawn SVG charts with their numbers beside them."""
from ...reports import statistics as charts
from ...services.statistics import resource_figures
from . import bp
from .layout import resource_or_404, resource_tab


@bp.get("/resources/<int:resource_id>/statistics")
def statistics(resource_id):
    resource = resource_or_404(resource_id)
    figures = resource_figures(resource.id)
    questions = figures.questions.figures()
    completions = figures.completions()
    score_bins, time_bins = figures.score_bins(), figures.time_bins()
    return resource_tab(
        resource, "dashboard/_statistics.html", figures=figures, questions=questions, completions=completions,
        score_bins=score_bins, time_bins=time_bins,
        score_chart=charts.score_chart(score_bins), time_chart=charts.time_chart(time_bins),
        question_chart=charts.question_chart(questions), completion_chart=charts.completion_chart(completions),
    )
