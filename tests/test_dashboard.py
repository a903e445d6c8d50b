"""The dashboard's pages: search, lists, the resource tabs, attempts, timelines, htmx fragments, CSRF."""
import re
from datetime import timedelta

import pytest

from lti_app.extensions import db
from lti_app.models import Attempt, Resource
from tests import factories


@pytest.fixture
def world(app, client):
    world = factories.classroom()
    factories.sign_in(client, world.instructor)
    return world


def text(response):
    return response.get_data(as_text=True)


def test_search_finds_people_by_name_email_or_lms_id_within_reach(client, world):
    for query in ("ada", "student-1@example", "student-1"):
        assert "Ada Learner" in text(client.get("/dashboard/search", query_string={"q": query}))
    factories.member(world.other_consumer, world.foreign_context, "student-9", "Ada Elsewhere")
    found = text(client.get("/dashboard/search", query_string={"q": "Ada"}, headers={"HX-Request": "true"}))
    assert "Ada Learner" in found and "Ada Elsewhere" not in found and "<html" not in found


def test_search_finds_resources_and_courses(client, world):
    found = text(client.get("/dashboard/search", query_string={"q": "quiz"}))
    assert "Week 1 quiz" in found and "Geometry quiz" not in found
    assert "Algebra" in text(client.get("/dashboard/search", query_string={"q": "alge"}))


def test_search_takes_percent_signs_literally(client, world):
    assert "Nothing matches" in text(client.get("/dashboard/search", query_string={"q": "%%"}))


def test_admin_sees_consumers_and_contexts_with_open_or_closed_resources(client, world):
    from lti_app.models.base import utcnow

    world.other_resource.available_until = utcnow() - timedelta(days=1)
    db.session.commit()
    factories.sign_in(client, world.admin)
    home = text(client.get("/dashboard/"))
    assert "Test LMS" in home and "Other LMS" not in home
    contexts = text(client.get("/dashboard/contexts"))
    assert "2026 autumn" in contexts
    assert re.search(r"Week 1 quiz</a>\s*<span class=\"badge ok\">open", contexts)
    assert re.search(r"Geometry quiz</a>\s*<span class=\"badge\">closed", contexts)


def test_instructor_home_lists_only_their_courses(client, world):
    home = text(client.get("/dashboard/"))
    assert "Algebra" in home and "Geometry" not in home


def test_tabs_answer_htmx_with_the_fragment_and_vary(client, world):
    full = client.get(f"/dashboard/resources/{world.resource.id}/students")
    fragment = client.get(f"/dashboard/resources/{world.resource.id}/students", headers={"HX-Request": "true"})
    assert "<html" in text(full) and "<html" not in text(fragment)
    assert 'id="resource-tabs"' in text(fragment) and "Bob Classmate" in text(fragment)
    assert "HX-Request" in fragment.headers["Vary"]


def test_overview_counts_launched_started_completed(client, world):
    factories.launch_row(world.resource, world.classmate)
    factories.attempt(world.resource, world.classmate, status="open")
    page = text(client.get(f"/dashboard/resources/{world.resource.id}"))
    counts = dict((label, int(number)) for number, label in
                  re.findall(r'<span class="number">(\d+)</span> (\w+)', page))
    assert counts == {"launched": 2, "started": 2, "completed": 1}
    assert "started attempt 1" in page


def test_students_tab_includes_roster_students_who_never_started(client, world):
    factories.member(world.consumer, world.context, "student-r", "Rosa Roster", source="roster")
    page = text(client.get(f"/dashboard/resources/{world.resource.id}/students"))
    card, table = page.split("<h2>Everyone</h2>")
    assert "Rosa Roster" in card.split('id="never-started"')[1]
    row = table[table.index("Rosa Roster"):].split("</tr>")[0]
    assert "the LMS lists them in the course" in row and "never started" in row


def _attempts_of(page):
    return re.findall(r'<tr id="attempt-(\d+)">', page)


def test_attempts_sort_by_whitelisted_columns_only(client, world):
    low = factories.attempt(world.resource, world.classmate, questions={"q0": (0, 2), "q1": (1, 3)})
    url = f"/dashboard/resources/{world.resource.id}/attempts"
    by_score = _attempts_of(text(client.get(url, query_string={"sort": "score", "direction": "asc"})))
    assert by_score == [str(low.id), str(world.attempt.id)]
    by_score_desc = _attempts_of(text(client.get(url, query_string={"sort": "score", "direction": "desc"})))
    assert by_score_desc == [str(world.attempt.id), str(low.id)]
    injected = client.get(url, query_string={"sort": "score; DROP TABLE attempt", "direction": "sideways"})
    assert injected.status_code == 200 and len(_attempts_of(text(injected))) == 2


def test_attempts_filter_by_status_and_student_and_paginate(client, world):
    for number in range(30):
        factories.attempt(world.resource, world.classmate, status="open", number=number + 2)
    url = f"/dashboard/resources/{world.resource.id}/attempts"
    assert _attempts_of(text(client.get(url, query_string={"status": "finished"}))) == [str(world.attempt.id)]
    assert _attempts_of(text(client.get(url, query_string={"student": "ada"}))) == [str(world.attempt.id)]
    first, second = (text(client.get(url, query_string={"page": page})) for page in (1, 2))
    assert len(_attempts_of(first)) == 25 and len(_attempts_of(second)) == 6
    assert not set(_attempts_of(first)) & set(_attempts_of(second))


def test_each_attempt_has_bars_as_high_as_its_question_scores(client, world):
    page = text(client.get(f"/dashboard/resources/{world.resource.id}/attempts"))
    heights = [float(h) for h in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="6" height="([\d.]+)"', page)]
    assert heights == [10.0, 20.0]  # q0 half marks, q1 full marks


def test_delete_lists_apart_and_restore(client, world):
    world.resource.report_mode = "manually"  # nothing else commits along with the deletion
    db.session.commit()
    url = f"/dashboard/resources/{world.resource.id}/attempts"
    page = text(client.post(f"/dashboard/attempts/{world.attempt.id}/delete", follow_redirects=True))
    assert _attempts_of(page) == [] and f'id="deleted-{world.attempt.id}"' in page
    launches = text(client.get(f"/dashboard/users/{world.student.id}"))
    assert "deleted later" in launches
    page = text(client.post(f"/dashboard/attempts/{world.attempt.id}/restore", follow_redirects=True))
    assert _attempts_of(page) == [str(world.attempt.id)] and "restored" in page
    assert db.session.get(Attempt, world.attempt.id).deleted_at is None
    assert client.get(f"/dashboard/attempts/{world.attempt.id}/delete").status_code == 405
    assert _attempts_of(text(client.get(url))) == [str(world.attempt.id)]


def test_timeline_shows_launch_commits_grouped_and_remarks(client, world):
    from lti_app.services import remarking

    remarking.override(world.attempt, "q0p1", 1, "generous", "Tom Teacher (teacher-1)")
    page = text(client.get(f"/dashboard/attempts/{world.attempt.id}"))
    assert "Launched as learner" in page and "Saved 1 value (save 1)" in page
    assert '<span class="cmi-heading">Question 1</span>' in page
    assert '<span class="cmi-heading">Question 1, part a</span>' in page
    assert "Question 1, part b re-marked to 1" in page and "Tom Teacher (teacher-1)" in page
    assert "Score 100% queued for the LMS" in page
    order = [page.index(marker) for marker in ("Attempt 1 started", "(save 1)", "(save 6)", "Attempt 1 finished")]
    assert order == sorted(order)


def test_timeline_leaves_out_empty_saves_and_tells_the_seconds(client, world):
    from lti_app.models import CommitBatch

    received = world.attempt.started_at + timedelta(minutes=7, seconds=42)
    db.session.add(CommitBatch(attempt_id=world.attempt.id, batch_id="empty", sequence=7, element_count=0,
                               received_at=received))
    db.session.commit()
    page = text(client.get(f"/dashboard/attempts/{world.attempt.id}"))
    assert "(save 6)" in page and "(save 7)" not in page and "0 values" not in page
    saved_6 = world.attempt.started_at + timedelta(minutes=6)
    assert f'<time datetime="{saved_6:%Y-%m-%dT%H:%M:%SZ}" data-seconds="true">{saved_6:%Y-%m-%d %H:%M:%S} UTC</time>' in page


def test_timeline_without_data_says_so(client, world):
    empty = factories.attempt(world.resource, world.classmate, status="open")
    page = text(client.get(f"/dashboard/attempts/{empty.id}"))
    assert "No data yet" in page


def test_attempt_as_it_stood_at_a_chosen_time(client, world):
    after_raw = world.attempt.started_at + timedelta(minutes=5, seconds=30)  # 5 of the 6 values set
    page = text(client.get(f"/dashboard/attempts/{world.attempt.id}",
                           query_string={"at": after_raw.strftime("%Y-%m-%dT%H:%M:%S")}))
    assert "5 values set" in page and "unknown" in page  # completion_status came in the 6th commit
    before = world.attempt.started_at - timedelta(minutes=1)
    page = text(client.get(f"/dashboard/attempts/{world.attempt.id}",
                           query_string={"at": before.strftime("%Y-%m-%dT%H:%M:%S")}))
    assert "nothing had been saved" in page


def test_settings_are_saved_and_checked(client, world):
    url = f"/dashboard/resources/{world.resource.id}/settings"
    form = {"report_mode": "on_completion", "grading_method": "last", "available_from": "2026-01-01T09:00",
            "available_until": "2026-01-02T09:00", "attempts": "limited", "max_attempts": "3",
            "time_limit_minutes": "45"}
    assert "Settings saved" in text(client.post(url, data=form, follow_redirects=True))
    assert (world.resource.max_attempts, world.resource.grading_method, world.resource.allow_student_review) == (
        3, "last", False)
    assert world.resource.available_until.hour == 9 and world.resource.available_until.utcoffset() == timedelta(0)
    refused = client.post(url, data={**form, "available_until": "2025-12-31T09:00"}, headers={"HX-Request": "true"})
    assert "must close after it opens" in text(refused) and 'id="resource-tabs"' in text(refused)
    assert world.resource.available_until.year == 2026


@pytest.mark.parametrize("choice, number, allowed", [("one", "", 1), ("unlimited", "7", 0), ("limited", "4", 4)])
def test_the_number_of_attempts_is_an_explicit_choice(client, world, choice, number, allowed):
    url = f"/dashboard/resources/{world.resource.id}/settings"
    page = text(client.get(url))
    assert re.search(r'<input checked [^>]*value="one"', page)  # the classroom's resource allows one attempt
    form = {"report_mode": "on_completion", "grading_method": "last", "attempts": choice, "max_attempts": number,
            "time_limit_minutes": "0"}
    assert "Settings saved" in text(client.post(url, data=form, follow_redirects=True))
    db.session.expire_all()
    assert db.session.get(Resource, world.resource.id).max_attempts == allowed


def test_a_set_number_of_attempts_needs_the_number(client, world):
    url = f"/dashboard/resources/{world.resource.id}/settings"
    form = {"report_mode": "on_completion", "grading_method": "last", "attempts": "limited", "max_attempts": "",
            "time_limit_minutes": "0"}
    assert "Say how many attempts" in text(client.post(url, data=form, follow_redirects=True))
    db.session.expire_all()
    assert db.session.get(Resource, world.resource.id).max_attempts == 1


def test_footer_links_to_the_documentation_of_the_page(client, world):
    page = text(client.get(f"/dashboard/attempts/{world.attempt.id}"))
    assert 'href="/help/dashboard#attempt"' in page


def test_a_post_without_the_csrf_token_is_refused(make_app, tmp_path):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        world = factories.classroom()
        client = app.test_client()
        factories.sign_in(client, world.instructor)
        response = client.post(f"/dashboard/attempts/{world.attempt.id}/delete")
        assert response.status_code == 400 and "Form expired" in text(response)
        assert db.session.get(Attempt, world.attempt.id).deleted_at is None
        page = text(client.get(f"/dashboard/resources/{world.resource.id}/attempts"))
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        client.post(f"/dashboard/attempts/{world.attempt.id}/delete", data={"csrf_token": token})
        assert db.session.get(Attempt, world.attempt.id).deleted_at is not None


def test_roster_button_only_where_the_lms_offers_the_roster(client, world):
    url = f"/dashboard/resources/{world.resource.id}/students"
    assert "Fetch the class list" not in text(client.get(url))
    world.context.memberships_url = "https://lms.test/memberships"
    db.session.commit()
    assert f'hx-post="/dashboard/resources/{world.resource.id}/roster"' in text(client.get(url))


def test_admins_reach_lti13_registrations_from_the_consumer_page(client, world):
    factories.sign_in(client, world.admin)
    page = text(client.get(f"/dashboard/consumers/{world.consumer.id}"))
    assert f'href="/dashboard/consumers/{world.consumer.id}/lti13"' in page


def _statements(app, action):
    from sqlalchemy import event

    seen = []

    def count(*args):
        seen.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


@pytest.mark.parametrize("tab", ["attempts", "students"])
def test_tabs_cost_the_same_queries_for_few_or_many_attempts(app, client, world, tab):
    url = f"/dashboard/resources/{world.resource.id}/{tab}"

    def add_students(count, start):
        for number in range(start, start + count):
            student = factories.member(world.consumer, world.context, f"many-{number}", f"Many {number}")
            factories.attempt(world.resource, student, questions={"q0": (1, 2), "q1": (2, 3)})
        db.session.expire_all()

    add_students(2, 0)
    client.get(url)  # the process reads the LMS origins that may frame pages on its first page, then keeps them
    few = _statements(app, lambda: client.get(url))
    add_students(12, 2)
    many = _statements(app, lambda: client.get(url))
    assert many == few


def test_timeline_shows_scores_sent_to_the_lms_with_the_reply(client, world):
    from lti_app.models import Outcome, OutcomeDelivery

    outcome = Outcome(consumer_id=world.consumer.id, resource_id=world.resource.id, user_id=world.student.id,
                      score=0.8, sent_score=0.8, state="sent")
    db.session.add(outcome)
    db.session.flush()
    db.session.add(OutcomeDelivery(outcome_id=outcome.id, score=0.8, action="replaceResult", http_status=422,
                                   code_major="failure", description="User is no longer in course"))
    db.session.commit()
    page = text(client.get(f"/dashboard/attempts/{world.attempt.id}"))
    assert "Score 80% sent to the LMS (replaceResult): 422 failure" in page
    assert "User is no longer in course" in page


@pytest.mark.parametrize("url", ["/dashboard/resources/{id}/attempts?student=%00",
                                 "/dashboard/resources/{id}/attempts?sort=%00name", "/dashboard/search?q=a%00b"])
def test_a_nul_character_in_the_address_is_refused_clearly(client, world, url):
    response = client.get(url.format(id=world.resource.id))
    assert response.status_code == 422 and "NUL character" in text(response)


def test_a_nul_character_in_a_form_field_is_refused_and_nothing_is_stored(client, world):
    from lti_app.models import AccessChange

    response = client.post(f"/dashboard/resources/{world.resource.id}/access",
                           data={"students": "student-1", "extra_attempts": "1", "reason": "ill\x00"})
    assert response.status_code == 422 and "reason field contains a NUL" in text(response)
    assert AccessChange.query.count() == 0


def test_people_read_rounded_numbers(client, world):
    from lti_app.models import Outcome

    db.session.add(Outcome(consumer_id=world.consumer.id, resource_id=world.resource.id, user_id=world.student.id,
                           score=6 / 7, state="failed", description="User is no longer in course"))
    thirds = factories.attempt(world.resource, world.classmate, questions={"q0": (4 / 3, 2)})
    db.session.commit()
    page = text(client.get(f"/dashboard/resources/{world.resource.id}/outcomes"))
    assert "86%" in page and "85.7" not in page
    page = text(client.get(f"/dashboard/attempts/{thirds.id}"))
    assert "<td>1.33</td>" in page and "1.3333" not in page
