"""The admin, walked from its own registry: an organizer finds nothing of a camp they do not organize.

Two camps: "Home", organized by the organizer who tries, and "Zanzibar", with one of
everything and the word "Zanzibar" in every name. Nothing of Zanzibar may reach the
organizer of Home: no page, list filter, choice, label, autocomplete answer, action, download
or "view on site" address, and nothing of it may change. The admins, their actions, their own
URLs, their forms' and inlines' fields are read from the admin site, so a new admin, action,
URL or field is walked without being added here; an admin of a model of which the world below
has nothing of Zanzibar fails, asking for one."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.test import RequestFactory
from django.urls import reverse

from events.models import Camp, Participant, Room
from sessions.models import Session
from tests.factories import (
    make_camp,
    make_organizer,
    make_participant,
    make_room,
    make_series,
    make_session,
    make_slot,
    make_sponsor,
    make_user,
    make_vote,
    open_voting,
)

pytestmark = pytest.mark.django_db

MARKER = "zanzibar"
User = get_user_model()


def registered_models():
    return [model for model in apps.get_models() if admin.site.is_registered(model)]


def label(model):
    return model._meta.label


def _camp(prefix, *, visibility=Camp.Visibility.LISTED):
    """A camp with one of everything an admin shows, every name starting with `prefix`."""
    lower = prefix.lower()
    series = make_series(name=f"{prefix} Series", slug=f"{lower}-series")
    camp = make_camp(
        name=f"{prefix} Camp", slug=f"{lower}-camp", series=series, visibility=visibility
    )
    organizer = make_organizer(camp, username=f"{lower}-orga", email=f"{lower}-orga@example.org")
    teilgeber = make_participant(
        camp=camp,
        user=make_user(username=f"{lower}-teilgeber", email=f"{lower}-teilgeber@example.org"),
        display_name=f"{prefix} Teilgeber",
    )
    voter = make_participant(
        camp=camp,
        user=make_user(username=f"{lower}-voter", email=f"{lower}-voter@example.org"),
        display_name=f"{prefix} Voter",
    )
    open_voting(camp)
    make_room(camp, name=f"{prefix} Room")
    make_slot(camp, title=f"{prefix} Slot")
    make_sponsor(camp, name=f"{prefix} GmbH")
    first = make_session(camp=camp, host=teilgeber, title=f"{prefix} Session")
    make_session(camp=camp, host=teilgeber, title=f"{prefix} Duplicate")
    make_vote(first, voter)
    return {"camp": camp, "organizer": organizer, "series": series}


@pytest.fixture
def world():
    home = _camp("Home")
    foreign = _camp("Zanzibar", visibility=Camp.Visibility.UNLISTED)
    # Whatever of Zanzibar's the admin could show, by model: every row whose text names it.
    before_home = {label(model): set() for model in registered_models()}
    for model in registered_models():
        for obj in model._default_manager.all():
            if MARKER in str(obj).lower() or MARKER in _text_of(obj):
                before_home[label(model)].add(obj.pk)
    return {
        "home": home["camp"],
        "organizer": home["organizer"],
        "foreign_camp": foreign["camp"],
        "foreign": before_home,
    }


def _text_of(obj):
    """The object's own text fields, lowercased: a Slot's str is its time, its title names it."""
    values = []
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if isinstance(value, str):
            values.append(value.lower())
    return " ".join(values)


def foreign_objects(world, model):
    pks = world["foreign"][label(model)]
    if not pks:
        pytest.fail(
            f"The world has no {label(model)} of Zanzibar: give _camp() one, so that its admin "
            "is walked."
        )
    return list(model._default_manager.filter(pk__in=pks))


def snapshot():
    """Every row of the project's models and the accounts: what must not change."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label in {"sessions", "admin"}:  # logins and the admin's own log
            continue
        values = list(model._default_manager.order_by("pk").values())
        if model is User:
            values = [{k: v for k, v in row.items() if k != "last_login"} for row in values]
        rows[label(model)] = values
    return rows


def assert_nothing_foreign(response):
    body = response.content.decode(errors="replace").lower()
    assert MARKER not in body, f"{response.request['PATH_INFO']} shows Zanzibar"


@pytest.fixture
def organizer_client(client, world):
    client.cookies["django_language"] = "en"
    client.force_login(world["organizer"])
    return client


def organizer_request(world):
    request = RequestFactory().get("/admin/")
    request.user = world["organizer"]
    return request


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# --- Every model admin, as an organizer of another camp (issue 31.2) -------------------------


@pytest.mark.parametrize("model", registered_models(), ids=label)
def test_an_organizer_of_another_camp_reaches_nothing_of_zanzibar(world, organizer_client, model):
    model_admin = admin.site.get_model_admin(model)
    request = organizer_request(world)
    reachable = model_admin.has_module_permission(request) or model_admin.has_view_permission(
        request
    )
    objects = foreign_objects(world, model) if reachable else list(model._default_manager.all())
    before = snapshot()

    changelist = organizer_client.get(admin_url(model, "changelist"))
    searched = organizer_client.get(admin_url(model, "changelist"), {"q": MARKER})
    answers = [changelist]
    for obj in objects:
        answers += [
            organizer_client.get(admin_url(model, "change", obj.pk)),
            organizer_client.get(admin_url(model, "history", obj.pk)),
            organizer_client.get(admin_url(model, "delete", obj.pk)),
            organizer_client.post(admin_url(model, "change", obj.pk), {}),
            organizer_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}),
        ]
    for action in model_admin.get_actions(request) if reachable else []:
        answers.append(
            organizer_client.post(
                admin_url(model, "changelist"),
                {
                    "action": action,
                    ACTION_CHECKBOX_NAME: [obj.pk for obj in objects],
                    "post": "yes",  # confirms a deletion
                },
            )
        )
    # The admin's own pages (generating slots, the next camp of a series) for each object.
    for pattern in model_admin.get_urls():
        converters = getattr(pattern.pattern, "converters", {})
        if pattern.name is None or len(converters) != 1:
            continue
        if pattern.name.rsplit("_", 1)[-1] in {"history", "delete", "change"}:
            continue
        (kwarg,) = converters
        for obj in objects:
            url = reverse(f"admin:{pattern.name}", kwargs={kwarg: obj.pk})
            answers += [organizer_client.get(url), organizer_client.post(url, {})]

    if reachable:
        assert changelist.status_code == 200
        for page in (changelist, searched):
            assert not {obj.pk for obj in page.context["cl"].queryset} & {obj.pk for obj in objects}
    else:
        assert changelist.status_code == 403
    for answer in answers[1:]:
        assert answer.status_code in {302, 403, 404}, answer.request["PATH_INFO"]
        if answer.status_code == 302:
            assert answer["Location"] in {reverse("admin:index"), admin_url(model, "changelist")}
    for answer in answers:
        assert_nothing_foreign(answer)
    assert snapshot() == before


def test_organizers_reach_the_admins_of_their_camps():
    """The walk above is not empty: these admins are reachable by an organizer."""
    request = RequestFactory().get("/admin/")
    request.user = make_organizer(make_camp())

    reachable = {
        label(model)
        for model in registered_models()
        if admin.site.get_model_admin(model).has_view_permission(request)
    }

    assert reachable >= {
        "events.Camp",
        "events.Participant",
        "events.Room",
        "events.Sponsor",
        "events.Series",
        "barcamp_sessions.Session",
        "voting.VotingDay",
    }


# --- Every form, inline and chooser of the admin (issue 25.2) --------------------------------


def admin_forms(world, request):
    """(where, form) for the add and change form of every admin the organizer reaches, and a
    form of each of their inlines: as the admin builds them for this request."""
    forms = []
    own = {
        label(model): model._default_manager.exclude(pk__in=world["foreign"][label(model)]).first()
        for model in registered_models()
    }
    for model in registered_models():
        model_admin = admin.site.get_model_admin(model)
        if not model_admin.has_view_permission(request):
            continue
        objects = [own[label(model)]] if own[label(model)] is not None else []
        if model_admin.has_add_permission(request):
            objects.append(None)
        for obj in objects:
            where = f"{label(model)} {'change' if obj else 'add'}"
            forms.append((where, model_admin.get_form(request, obj)(instance=obj)))
            for formset_class, inline in model_admin.get_formsets_with_inlines(request, obj):
                formset = formset_class(
                    instance=obj or model(),
                    prefix=formset_class.get_default_prefix(),
                    queryset=inline.get_queryset(request),
                )
                forms.append((f"{where}, inline {type(inline).__name__}", formset.empty_form))
    return forms


def test_every_choice_in_the_admins_forms_is_of_the_organizers_camps(world):
    request = organizer_request(world)
    walked = []

    for where, form in admin_forms(world, request):
        for name, field in form.fields.items():
            if not isinstance(field, ModelChoiceField):
                continue
            if name == form._meta.model._meta.pk.name:
                # An inline row's own id: Django's formset looks it up among the rows of the
                # object on the page and skips any other (the next test).
                continue
            many = isinstance(field, ModelMultipleChoiceField)
            model = field.queryset.model
            walked.append(f"{where}: {name}")
            for obj in foreign_objects(world, model):
                value = [obj.pk] if many else obj.pk
                # Not offered, not accepted, and not named when sent back (a raw id's label).
                assert obj not in field.queryset, f"{where}: {name} offers {obj}"
                with pytest.raises(ValidationError):
                    field.clean(value)
                html = field.widget.render(form.add_prefix(name), value).lower()
                assert MARKER not in html, f"{where}: {name} names {obj}"

    assert {
        "events.Camp change: series",
        "events.Camp change: organizers",
        "barcamp_sessions.Session add: camp",
        "barcamp_sessions.Session change, inline SessionHostInline: participant",
    } <= set(walked)


def test_autocomplete_of_every_relation_answers_only_with_the_organizers_camps(
    world, organizer_client
):
    asked = set()
    # Every model, not only the registered ones: an inline's model (a session's hosts) asks too.
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not (field.concrete and (field.many_to_one or field.many_to_many)):
                continue
            response = organizer_client.get(
                reverse("admin:autocomplete"),
                {
                    "app_label": model._meta.app_label,
                    "model_name": model._meta.model_name,
                    "field_name": field.name,
                    "term": "",
                },
            )
            asked.add(f"{label(model)}.{field.name}")
            assert response.status_code in {200, 403, 404}
            assert_nothing_foreign(response)

    assert "barcamp_sessions.SessionHost.participant" in asked


def test_view_on_site_tells_no_address_of_a_camp_one_does_not_organize(world, organizer_client):
    foreign = [
        obj
        for model in registered_models()
        if hasattr(model, "get_absolute_url")
        for obj in model._default_manager.filter(pk__in=world["foreign"][label(model)])
    ]
    assert {type(obj) for obj in foreign} >= {Camp, Session}

    for obj in foreign:
        content_type = ContentType.objects.get_for_model(obj)
        response = organizer_client.get(
            reverse("admin:view_on_site", args=[content_type.pk, obj.pk])
        )

        assert response.status_code == 404, obj
        assert_nothing_foreign(response)


def test_view_on_site_leads_to_the_organizers_own_camp(world, organizer_client):
    camp = world["home"]
    content_type = ContentType.objects.get_for_model(Camp)

    response = organizer_client.get(reverse("admin:view_on_site", args=[content_type.pk, camp.pk]))

    assert response.status_code == 302
    assert response["Location"].endswith(camp.get_absolute_url())


def test_the_camp_filter_of_every_list_offers_only_the_organizers_camps(world, organizer_client):
    _camp("Second")["camp"].organizers.add(world["organizer"])  # a filter needs two camps
    with_camp_filter = [
        model
        for model in registered_models()
        if any(
            entry == "camp" or (isinstance(entry, tuple) and entry[0] == "camp")
            for entry in admin.site.get_model_admin(model).list_filter
        )
    ]
    assert len(with_camp_filter) >= 5

    for model in with_camp_filter:
        page = organizer_client.get(admin_url(model, "changelist"))

        choices = {
            choice["display"]
            for spec in page.context["cl"].filter_specs
            if getattr(spec, "field_path", None) == "camp"
            for choice in spec.choices(page.context["cl"])
        }
        assert choices == {"All", "Home Camp", "Second Camp"}, label(model)
        assert_nothing_foreign(page)


def test_an_inline_row_with_the_id_of_another_camps_row_changes_nothing(world, organizer_client):
    from tests.events.test_admin import camp_form_data

    camp = world["home"]
    stranger = Room.objects.get(name="Zanzibar Room")
    rooms = [{"id": stranger.pk, "name": "Hijacked", "capacity": 5, "order": 0}]

    organizer_client.post(
        reverse("admin:events_camp_change", args=[camp.pk]), camp_form_data(camp, rooms=rooms)
    )

    assert Room.objects.get(pk=stranger.pk).name == "Zanzibar Room"
    assert not Room.objects.filter(name="Hijacked").exists()


# --- What the attack found, by hand ------------------------------------------------------------


def session_form_data(camp, *, host, **overrides):
    data = {
        "camp": camp.pk,
        "title": "Smuggled",
        "description": "",
        "format": Session.Format.DISCUSSION,
        "language": Session.Language.GERMAN,
        "tags": "[]",
        "length": 1,
        "day": camp.start_date.isoformat(),
        "status": Session.Status.PROPOSED,
        "pitch_position": 0,
        "hosts-TOTAL_FORMS": 1,
        "hosts-INITIAL_FORMS": 0,
        "hosts-MIN_NUM_FORMS": 0,
        "hosts-MAX_NUM_FORMS": 1000,
        "hosts-0-participant": host.pk,
        "hosts-0-is_proposer": "on",
    }
    data.update(overrides)
    return data


def test_a_session_cannot_get_a_host_of_another_camp(world, organizer_client):
    stranger = Participant.objects.get(display_name="Zanzibar Teilgeber")

    response = organizer_client.post(
        reverse("admin:barcamp_sessions_session_add"),
        session_form_data(world["home"], host=stranger),
    )

    assert response.status_code == 400
    assert "Only a Teilgeber of the session’s camp can host it." in response.content.decode()
    assert not Session.objects.filter(title="Smuggled").exists()
    assert_nothing_foreign(response)


def test_an_organizer_of_both_camps_cannot_mix_their_teilgeber_either(world, organizer_client):
    world["foreign_camp"].organizers.add(world["organizer"])
    stranger = Participant.objects.get(display_name="Zanzibar Teilgeber")
    session = Session.objects.get(title="Home Session")

    response = organizer_client.post(
        reverse("admin:barcamp_sessions_session_change", args=[session.pk]),
        session_form_data(
            world["home"],
            host=stranger,
            title="Home Session",
            **{"hosts-TOTAL_FORMS": 1, "hosts-INITIAL_FORMS": 0},
        ),
    )

    assert response.status_code == 400
    assert "Only a Teilgeber of the session’s camp can host it." in response.content.decode()
    assert list(session.hosts.values_list("participant__display_name", flat=True)) == [
        "Home Teilgeber"
    ]


def test_a_rerendered_session_form_names_nobody_of_another_camp(world, organizer_client):
    stranger = Participant.objects.get(display_name="Zanzibar Teilgeber")

    response = organizer_client.post(
        reverse("admin:barcamp_sessions_session_add"),
        session_form_data(world["home"], host=stranger, title=""),
    )

    assert response.status_code == 400
    assert_nothing_foreign(response)


def test_a_host_of_the_camp_is_accepted(world, organizer_client):
    host = Participant.objects.get(display_name="Home Teilgeber")

    response = organizer_client.post(
        reverse("admin:barcamp_sessions_session_add"), session_form_data(world["home"], host=host)
    )

    assert response.status_code == 302
    assert list(
        Session.objects.get(title="Smuggled").hosts.values_list("participant", flat=True)
    ) == [host.pk]
