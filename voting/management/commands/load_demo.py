import datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from events import door, notifications, services, wall
from events.models import Camp, Room, Series, Sponsor
from sessions import services as session_services
from voting.aftercamp import feedback
from voting.grid import board
from voting.models import VotingDay
from voting.plenum import services as voting_services

DEMO_SLUG = "demo-camp"
ARCHIVE_SLUG = "demo-camp-archiv"
ONLINE_SLUG = "demo-online"
ORGANIZER_EMAIL = "orga@example.org"
ORGANIZER_PASSWORD = "barcamp-demo"
DEMO_PEOPLE = [
    ("Anna Schmidt", ["opensource", "python", "community"], True),
    ("Mehmet Yılmaz", ["marketing", "seo", "podcasts"], True),
    ("Julia Becker", ["ux", "accessibility", "design"], True),
    ("Lukas Wagner", ["projectmanagement", "agile", "remote"], False),
]
# Teilgeber without sessions: the door's list and the badges show them (umlauts, ß and all).
DOOR_PEOPLE = [
    ("Jürgen Weiß", ["fotografie", "köln", "ehrenamt"]),
    ("Zoë Łukasik", ["datenschutz", "open-data", "civictech"]),
    ("Sören Straßburger", ["nachhaltigkeit", "radverkehr", "stadtplanung"]),
    ("Aylin Öztürk", ["bildung", "makerspace", "3d-druck"]),
]
DEMO_FEEDBACK = [
    (5, "Super Einstieg, sehr praktisch!"),
    (4, ""),
    (3, "Etwas zu kurz für das Thema."),
    (5, "Gerne nächstes Mal mit mehr Zeit für Fragen."),
]
# Networking: bios for the people above, more Teilgeber in the public list, and the wall.
DEMO_BIOS = {
    "Anna Schmidt": "Entwicklerin in Köln, organisiert das Python-Meetup. Frag mich nach Mentoring!",
    "Mehmet Yılmaz": "Podcaster und Online-Marketing-Berater. Suche Mitstreiter für einen Barcamp-Podcast.",
    "Julia Becker": "UX-Designerin, testet Websites mit Screenreadern. Kaffee? Immer.",
}
DEMO_NETWORK_PEOPLE = [
    ("Sophie Wolf", ["ux", "research", "community"], "Macht Nutzerforschung für Behörden.", [3, 7]),
    ("Tim Hoffmann", ["python", "opensource", "data"], "Data Engineer, mag Open Data.", [0, 4, 6]),
    (
        "Lena Koch",
        ["seo", "content", "marketing"],
        "Texterin. Schreibt über SEO ohne Mythen.",
        [1, 5],
    ),
    ("Jonas Richter", ["agile", "remote", "ux"], "Scrum Master, remote seit 2019.", [2, 3, 7]),
]
DEMO_WALL = [
    (0, "Wer fährt ab Köln Hbf? Ich hätte noch zwei Plätze im Auto. #mitfahren"),
    (5, "Guten Morgen! Der Kaffee im Foyer ist großartig ☕"),
    (2, "Folien zur Barrierefreiheit-Session: https://example.org/a11y-folien"),
    (1, "Wer hat Lust auf einen Podcast-Stammtisch nach dem Camp? #podcasts"),
    (6, "Suche Leute für eine spontane Session zu SEO-Mythen am Nachmittag."),
]
DEMO_ANNOUNCEMENT = "Mittagessen gibt es ab 12:45 im Foyer. WLAN: „Barcamp“, Passwort am Empfang."
DEMO_WISHES = [
    ("KI im Ehrenamt: Wer nutzt was?", "Erfahrungen aus Vereinen, gern ganz praktisch.", 3),
    ("Mastodon für Vereine", "", 2),
    ("Fördermittel finden, ohne zu verzweifeln", "", 1),
]
# The online camp: rooms are video conferences (example.org: a name that leads nowhere).
ONLINE_ROOMS = [
    ("Raum Lovelace", 100, "https://meet.example.org/bcdemo-lovelace"),
    ("Raum Hopper", 50, "https://meet.example.org/bcdemo-hopper"),
    ("Raum Turing", 25, "https://meet.example.org/bcdemo-turing"),
]
ONLINE_SESSIONS = [
    ("Gute Online-Moderation: Tipps aus drei Jahren Remote-Barcamps", "discussion", ["remote"]),
    ("Breakout-Räume, die funktionieren", "workshop", ["remote", "agile"]),
    ("Barrierefreie Videokonferenzen", "talk", ["accessibility"]),
    ("Whiteboards im Browser: ein Vergleich", "talk", ["ux", "tools"]),
    ("Kamera an oder aus? Eine ehrliche Runde", "discussion", ["community"]),
    ("Python-Sprechstunde", "other", ["python"]),
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
        with notifications.silenced(), transaction.atomic():
            organizer, created = self._organizer()
            camp = Camp.objects.filter(slug=DEMO_SLUG).first()
            if camp is None:
                camp = self._camp(organizer)
                self.stdout.write(self.style.SUCCESS(f"Created the demo camp “{camp.name}”."))
            else:
                self.stdout.write(f"The demo camp “{camp.name}” is already there; nothing changed.")
            archive = Camp.objects.filter(slug=ARCHIVE_SLUG).first()
            if archive is None:
                archive = self._archive(organizer, series=camp.series)
                self.stdout.write(
                    self.style.SUCCESS(f"Created last year's documented camp “{archive.name}”.")
                )
            online = Camp.objects.filter(slug=ONLINE_SLUG).first()
            if online is None:
                online = self._online(organizer)
                self.stdout.write(self.style.SUCCESS(f"Created the online camp “{online.name}”."))
        site = settings.SITE_URL.rstrip("/")
        self.stdout.write(
            "\nOpen in a browser:\n"
            f"  the camp        {site}{camp.get_absolute_url()}\n"
            f"  all camps       {site}/\n"
            f"  the plan        {site}{camp.get_absolute_url()}plan/\n"
            f"  projector       {site}{camp.get_absolute_url()}projector/\n"
            f"  organizer board {site}{camp.get_absolute_url()}board/\n"
            f"  check-in        {site}{camp.get_absolute_url()}door/\n"
            f"  feedback        {site}{camp.get_absolute_url()}feedback/results/\n"
            f"  documentation   {site}/{ARCHIVE_SLUG}/documentation/\n"
            f"  online camp     {site}{online.get_absolute_url()}\n"
            f"  topic wishes    {site}/series/barcamp-demo/wishes/\n"
            f"  organizer admin {site}/admin/\n"
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
        people = [
            self._teilgeber(camp, index, name, hashtags, is_public=public)
            for index, (name, hashtags, public) in enumerate(DEMO_PEOPLE, start=1)
        ]
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
        board.plan_day(camp=camp, date=camp.start_date)
        board.publish_plan(camp=camp, date=camp.start_date)
        self._door_and_feedback(camp, people, sessions)
        self._network(camp, organizer, people, sessions)
        self._series(camp, people)
        return camp

    def _demo_people_in(self, camp):
        """The demo camp's people, with the accounts made for it, as Teilgeber of `camp` too."""
        users = {
            user.username: user
            for user in get_user_model().objects.filter(username__startswith="demo")
        }
        return [
            self._teilgeber(
                camp, index, name, hashtags, is_public=public, user=users[f"demo{index}"]
            )
            for index, (name, hashtags, public) in enumerate(DEMO_PEOPLE, start=1)
            if f"demo{index}" in users
        ]

    def _teilgeber(self, camp, index, name, hashtags, *, is_public, bio="", user=None):
        """Demo person number `index` registered for the camp with a profile (a new account
        unless `user` is given)."""
        if user is None:
            user = get_user_model().objects.create(
                username=f"demo{index}", email=f"teilgeber{index}@example.org", first_name=name
            )
            user.set_unusable_password()
            user.save()
        participant = services.register_participant(camp=camp, user=user)
        services.update_profile(
            participant=participant,
            display_name=name,
            hashtags=hashtags,
            bio=bio,
            links=[],
            is_public=is_public,
        )
        return participant

    def _door_and_feedback(self, camp, people, sessions):
        people += [
            self._teilgeber(camp, index, name, hashtags, is_public=False)
            for index, (name, hashtags) in enumerate(DOOR_PEOPLE, start=len(people) + 1)
        ]
        for participant in people[::2]:
            door.check_in_participant(participant=participant)
        # As if given after the day: feedback opens only once a session has started.
        after = timezone.now() + datetime.timedelta(days=3)
        for turn, session in enumerate(sessions[:3]):
            raters = [p for p in people if not session.hosts.filter(participant=p).exists()]
            given = DEMO_FEEDBACK[turn:] + DEMO_FEEDBACK[: max(0, turn - 1)]
            for rater, (rating, comment) in zip(raters, given, strict=False):
                feedback.rate_session(
                    session=session, participant=rater, rating=rating, comment=comment, now=after
                )
        for rater, (rating, good, improve, again) in zip(
            people,
            [
                (5, "Die Stimmung und der Kaffee.", "Mehr Steckdosen im Saal.", "yes"),
                (4, "Viele neue Leute kennengelernt.", "", "yes"),
                (3, "", "Die Pitches dauerten zu lange.", "maybe"),
            ],
            strict=False,
        ):
            feedback.give_camp_feedback(
                camp=camp,
                participant=rater,
                rating=rating,
                good=good,
                improve=improve,
                come_again=again,
                now=after,
            )

    def _network(self, camp, organizer, people, sessions):
        """The directory, people with shared interests, the wall and an announcement."""
        for participant in people:
            if participant.display_name in DEMO_BIOS:
                participant.bio = DEMO_BIOS[participant.display_name]
                participant.save(update_fields=["bio"])
        for index, (name, hashtags, bio, wanted) in enumerate(DEMO_NETWORK_PEOPLE, start=10):
            participant = self._teilgeber(camp, index, name, hashtags, is_public=True, bio=bio)
            for position in wanted:
                voting_services.set_vote(
                    session=sessions[position], participant=participant, want=True
                )
            people.append(participant)
        # Posts wait for approval (the careful default); the organizers approved all but one.
        posts = [
            wall.post_message(camp=camp, participant=people[author], text=text)
            for author, text in DEMO_WALL
        ]
        for post in posts[:-1]:
            wall.show_post(post=post, by=organizer)
        wall.post_announcement(camp=camp, by=organizer, text=DEMO_ANNOUNCEMENT)

    def _series(self, camp, people):
        """The demo camp's series (last year's documented camp joins it) and topic wishes for the
        next camp."""
        camp.series = Series.objects.create(
            name="Barcamp Demo",
            slug="barcamp-demo",
            description="Jedes Jahr im Frühling, dazwischen ein Stammtisch.",
        )
        camp.save(update_fields=["series"])
        for (title, description, votes), proposer in zip(DEMO_WISHES, people, strict=False):
            wish = session_services.propose_wish(
                series=camp.series, user=proposer.user, title=title, description=description
            )
            for voter in people[:votes]:
                session_services.set_wish_vote(wish=wish, user=voter.user, want=True)

    def _archive(self, organizer, *, series=None):
        """Last year's camp, over and documented: notes with a history, links, slides as links."""
        start = timezone.localdate() - datetime.timedelta(days=364)
        camp = Camp.objects.create(
            name="Barcamp Demo (letztes Jahr)",
            slug=ARCHIVE_SLUG,
            series=series,
            description="Der Vorjahres-Camp: Sessionplan und Dokumentation zum Nachlesen.",
            venue_name="Bürgerhaus Stollwerck",
            time_zone="Europe/Berlin",
            start_date=start,
            end_date=start,
            hashtag="bcdemo",
            capacity=80,
            visibility=Camp.Visibility.UNLISTED,
        )
        camp.organizers.add(organizer)
        for order, (name, capacity) in enumerate([("Saal", 80), ("Raum Rhein", 30)]):
            Room.objects.create(camp=camp, name=name, capacity=capacity, order=order)
        services.generate_slots(
            camp=camp,
            date=start,
            start=datetime.time(10, 0),
            end=datetime.time(12, 45),
            length=datetime.timedelta(minutes=45),
            gap=datetime.timedelta(minutes=15),
            breaks=[],
        )
        # Last year's camp: the same people, their accounts made for this year's.
        people = self._demo_people_in(camp)
        sessions = []
        for host, (title, session_format, tags, notes, links) in zip(
            people * 2, ARCHIVE_SESSIONS, strict=False
        ):
            session = session_services.propose_session(
                camp=camp,
                participant=host,
                title=title,
                format=session_format,
                language="de",
                tags=tags,
                day=start,
            )
            sessions.append((session, host, notes, links))
        voting_services.set_voting_state(camp=camp, date=start, state=VotingDay.State.OPEN)
        for offset, voter in enumerate(people):
            for session, host, _notes, _links in sessions[offset % 2 :: 2]:
                if host != voter:
                    voting_services.set_vote(session=session, participant=voter, want=True)
        board.plan_day(camp=camp, date=start)
        board.publish_plan(camp=camp, date=start)
        for position, (session, host, notes, links) in enumerate(sessions):
            revision = 0
            for version in notes:
                writer = people[(position + revision) % len(people)]
                session_services.save_notes(
                    session=session,
                    user=writer.user,
                    participant=writer,
                    text=version,
                    base_revision=revision,
                )
                revision += 1
            for kind, title, url in links:
                session_services.add_link(
                    session=session,
                    user=host.user,
                    participant=host,
                    title=title,
                    url=url,
                    kind=kind,
                )
        return camp

    def _online(self, organizer):
        """An online-only camp today: its rooms are video conferences, their links shown to its
        registered Teilgeber (the demo's people, with the accounts made for the demo camp)."""
        start = timezone.localdate()
        camp = Camp.objects.create(
            name="Barcamp Online",
            slug=ONLINE_SLUG,
            description=(
                "Das Barcamp im Browser: Sessions in drei Videokonferenz-Räumen, gepitcht und "
                "abgestimmt wird am Handy. Die Links der Räume stehen im Sessionplan, sobald du "
                "angemeldet bist."
            ),
            online_only=True,
            time_zone="Europe/Berlin",
            start_date=start,
            end_date=start,
            hashtag="bconline",
            capacity=300,
        )
        camp.organizers.add(organizer)
        for order, (name, capacity, url) in enumerate(ONLINE_ROOMS):
            Room.objects.create(
                camp=camp, name=name, capacity=capacity, order=order, online_url=url
            )
        services.generate_slots(
            camp=camp,
            date=start,
            start=datetime.time(10, 0),
            end=datetime.time(17, 0),
            length=datetime.timedelta(minutes=45),
            gap=datetime.timedelta(minutes=15),
            breaks=[(datetime.time(12, 45), datetime.time(13, 45))],
        )
        people = self._demo_people_in(camp)
        sessions = [
            session_services.propose_session(
                camp=camp,
                participant=host,
                title=title,
                format=session_format,
                language="de",
                tags=tags,
                day=start,
            )
            for host, (title, session_format, tags) in zip(
                people * 2, ONLINE_SESSIONS, strict=False
            )
        ]
        voting_services.set_voting_state(camp=camp, date=start, state=VotingDay.State.OPEN)
        for offset, voter in enumerate(people):
            for session in sessions[offset % 3 :: 2]:
                if not session.hosts.filter(participant=voter).exists():
                    voting_services.set_vote(session=session, participant=voter, want=True)
        board.plan_day(camp=camp, date=start)
        board.publish_plan(camp=camp, date=start)
        return camp


ARCHIVE_SESSIONS = [
    (
        "Open Source im Marketing: geht das?",
        "discussion",
        ["opensource", "marketing"],
        [
            "## Worum ging es\n\nKann man für freie Software werben, ohne dass es nach Werbung klingt?",
            "## Worum ging es\n\nKann man für freie Software werben, ohne dass es nach Werbung klingt?\n\n"
            "## Ergebnisse\n\n- Geschichten von Nutzerinnen wirken besser als Feature-Listen\n"
            "- Die Community ist der beste Kanal: **Danke sagen** kostet nichts\n"
            "- Release-Notes lesbar schreiben, nicht nur für Entwickler\n\n"
            "## Wer macht weiter\n\nEin Stammtisch im Frühjahr; Interessierte melden sich bei Anna.",
        ],
        [
            ("slides", "Folien (PDF)", "https://example.org/osmex/folien.pdf"),
            ("link", "Sammlung guter Release-Notes", "https://example.org/release-notes"),
        ],
    ),
    (
        "Podcasts ohne Budget",
        "talk",
        ["podcasts"],
        [
            "Mikrofon: ein gutes USB-Mikro reicht. Raum wichtiger als Technik (Decken, Vorhänge).\n\n"
            "- Schnitt: Audacity\n- Hosting: kostenlose Angebote reichen für den Anfang",
        ],
        [("link", "Checkliste für die erste Folge", "https://example.org/podcast-checkliste")],
    ),
    (
        "Barrierefreiheit in 30 Minuten prüfen",
        "workshop",
        ["accessibility", "ux"],
        [
            "1. Tastatur: geht alles ohne Maus?\n2. Kontraste prüfen\n3. Bilder mit Alternativtext\n"
            "4. Screenreader fünf Minuten ausprobieren",
        ],
        [],
    ),
    ("Remote-Teams, die wirklich reden", "discussion", ["remote", "agile"], [], []),
]
