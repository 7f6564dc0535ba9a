import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from events import services
from events.models import Camp, Participant, Room, Series, Sponsor
from sessions import services as session_services
from voting import grid
from voting import services as voting_services
from voting.models import VotingDay

DEMO_SLUG = "demo-camp"
ORGANIZER_EMAIL = "orga@example.org"
ORGANIZER_PASSWORD = "barcamp-demo"
DEMO_PEOPLE = [
    ("Anna Schmidt", ["opensource", "python", "community"], True),
    ("Mehmet Yılmaz", ["marketing", "seo", "podcasts"], True),
    ("Julia Becker", ["ux", "accessibility", "design"], True),
    ("Lukas Wagner", ["projectmanagement", "agile", "remote"], False),
]
DEMO_WISHES = [
    ("KI im Ehrenamt: Wer nutzt was?", "Erfahrungen aus Vereinen, gern ganz praktisch.", 3),
    ("Mastodon für Vereine", "", 2),
    ("Fördermittel finden, ohne zu verzweifeln", "", 1),
]
DEMO_SESSIONS = [
    ("Open Source im Marketing: geht das?", "discussion", ["opensource", "marketing"]),
    ("Podcasts ohne Budget", "talk", ["podcasts"]),
    ("Barrierefreiheit in 30 Minuten prüfen", "workshop", ["accessibility", "ux"]),
    ("Remote-Teams, die wirklich reden", "discussion", ["remote", "agile"]),
    ("Python für Nicht-Programmierer", "workshop", ["python"]),
    ("SEO-Mythen, die nicht sterben", "talk", ["seo", "marketing"]),
    ("Community-Events nachhaltig planen", "discussion", ["community"]),
    ("Design Systems für kleine Teams", "talk", ["design", "ux"]),
]


class Command(BaseCommand):
    help = (
        "Loads a demo camp with rooms, slots, sponsors, Teilgeber, sessions and votes, and an "
        "organizer. Running it twice changes nothing."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            organizer, created = self._organizer()
            camp = Camp.objects.filter(slug=DEMO_SLUG).first()
            if camp is None:
                camp = self._camp(organizer)
                self.stdout.write(self.style.SUCCESS(f"Created the demo camp “{camp.name}”."))
            else:
                self.stdout.write(f"The demo camp “{camp.name}” is already there; nothing changed.")
        self.stdout.write(
            "\nOpen in a browser:\n"
            f"  the camp        http://127.0.0.1:8000{camp.get_absolute_url()}\n"
            "  all camps       http://127.0.0.1:8000/\n"
            f"  the plan        http://127.0.0.1:8000{camp.get_absolute_url()}plan/\n"
            f"  projector       http://127.0.0.1:8000{camp.get_absolute_url()}projector/\n"
            f"  organizer board http://127.0.0.1:8000{camp.get_absolute_url()}board/\n"
            "  topic wishes    http://127.0.0.1:8000/series/barcamp-demo/wishes/\n"
            "  organizer admin http://127.0.0.1:8000/admin/\n"
            f"\nOrganizer login: {ORGANIZER_EMAIL} / {ORGANIZER_PASSWORD}\n"
            "Sign up as a Teilgeber with any e-mail address: the login code is printed in this console.\n"
        )

    def _organizer(self):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username="orga",
            defaults={"email": ORGANIZER_EMAIL, "is_staff": True, "first_name": "Orga"},
        )
        if created:
            user.set_password(ORGANIZER_PASSWORD)
            user.save()
            EmailAddress.objects.create(
                user=user, email=ORGANIZER_EMAIL, verified=True, primary=True
            )
        return user, created

    def _series(self, organizer, people):
        """The demo camp's series: last year's camp, its Teilgeber, and their topic wishes."""
        series = Series.objects.create(
            name="Barcamp Demo",
            slug="barcamp-demo",
            description="Jedes Jahr im Frühling, dazwischen ein Stammtisch.",
        )
        last_year = timezone.localdate() - datetime.timedelta(days=365)
        past = Camp.objects.create(
            name=f"Barcamp Demo {last_year.year}",
            slug=f"{DEMO_SLUG}-{last_year.year}",
            series=series,
            start_date=last_year,
            end_date=last_year,
            capacity=100,
            hashtag="bcdemo",
            venue_name="Bürgerhaus Stollwerck",
        )
        past.organizers.add(organizer)
        for person in people:
            Participant.objects.create(
                camp=past,
                user=person.user,
                status=Participant.Status.REGISTERED,
                display_name=person.display_name,
                hashtags=person.hashtags,
            )
        for (title, description, votes), proposer in zip(DEMO_WISHES, people, strict=False):
            wish = session_services.propose_wish(
                series=series, user=proposer.user, title=title, description=description
            )
            for voter in people[:votes]:
                session_services.set_wish_vote(wish=wish, user=voter.user, want=True)
        return series

    def _camp(self, organizer):
        # The camp runs today, so that "now & next" on the phones and the projector show something.
        start = timezone.localdate()
        camp = Camp.objects.create(
            name="Barcamp Demo",
            slug=DEMO_SLUG,
            description=(
                "Ein Tag, an dem alle Teilgeber sind: Wer etwas zeigen, fragen oder diskutieren will, "
                "pitcht morgens im Plenum eine Session. Die Teilgeber stimmen ab, der Sessionplan "
                "entsteht live.\n\nFür Kaffee, Mittagessen und WLAN sorgen unsere Sponsoren."
            ),
            venue_name="Bürgerhaus Stollwerck",
            venue_address="Dreikönigenstraße 23\n50678 Köln",
            time_zone="Europe/Berlin",
            start_date=start,
            end_date=start + datetime.timedelta(days=1),
            hashtag="bcdemo",
            capacity=120,
        )
        camp.organizers.add(organizer)
        for order, (name, capacity) in enumerate(
            [("Saal", 80), ("Raum Rhein", 30), ("Raum Dom", 20), ("Werkstatt", 12)]
        ):
            Room.objects.create(camp=camp, name=name, capacity=capacity, order=order)
        for day in camp.days:
            services.generate_slots(
                camp=camp,
                date=day,
                start=datetime.time(10, 0),
                end=datetime.time(17, 0),
                length=datetime.timedelta(minutes=45),
                gap=datetime.timedelta(minutes=15),
                breaks=[(datetime.time(12, 45), datetime.time(13, 45))],
            )
        for order, (name, url) in enumerate(
            [
                ("Kaffeerösterei Ehrenfeld", "https://example.org/kaffee"),
                ("Netzwerk Köln e.V.", "https://example.org/netz"),
            ]
        ):
            Sponsor.objects.create(camp=camp, name=name, url=url, order=order)
        User = get_user_model()
        people = []
        for index, (name, hashtags, public) in enumerate(DEMO_PEOPLE, start=1):
            user = User.objects.create(
                username=f"demo{index}", email=f"teilgeber{index}@example.org", first_name=name
            )
            user.set_unusable_password()
            user.save()
            participant = services.register_participant(camp=camp, user=user)
            services.update_profile(
                participant=participant,
                display_name=name,
                hashtags=hashtags,
                bio="",
                links=[],
                is_public=public,
            )
            people.append(participant)
        sessions = [
            session_services.propose_session(
                camp=camp,
                participant=host,
                title=title,
                format=session_format,
                language="de",
                tags=tags,
                day=camp.start_date,
            )
            for host, (title, session_format, tags) in zip(people * 2, DEMO_SESSIONS, strict=True)
        ]
        voting_services.set_voting_state(
            camp=camp, date=camp.start_date, state=VotingDay.State.OPEN
        )
        for offset, voter in enumerate(people):
            for session in sessions[offset + 1 :: 2]:
                if not session.hosts.filter(participant=voter).exists():
                    voting_services.set_vote(session=session, participant=voter, want=True)
        grid.plan_day(camp=camp, date=camp.start_date)
        grid.publish_plan(camp=camp, date=camp.start_date)
        camp.series = self._series(organizer, people)
        camp.save(update_fields=["series"])
        return camp
