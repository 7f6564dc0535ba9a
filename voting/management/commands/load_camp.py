import datetime
import json

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from events.models import Camp, Participant, Room, Slot
from sessions.models import Session, SessionHost
from voting.models import Placement, Vote, VotingDay


class Command(BaseCommand):
    help = (
        "Creates a camp from a planner instance file (rooms, slots, Teilgeber, sessions, votes, pins) "
        "for demos and benchmarks. Teilgeber become users <id>@<slug>.invalid without a password."
    )

    def add_arguments(self, parser):
        parser.add_argument("instance", help="an instance JSON (shared/planner/schema.md)")
        parser.add_argument("--slug", help="the camp's slug (default: from the file name)")
        parser.add_argument("--start", help="the first day, YYYY-MM-DD (default: today)")

    def handle(self, *args, instance, slug, start, **options):
        try:
            with open(instance, encoding="utf-8") as file:
                data = json.load(file)
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read {instance}: {error}") from error
        slug = slug or slugify(instance.rsplit("/", 1)[-1].removesuffix(".json"))
        if Camp.objects.filter(slug=slug).exists():
            raise CommandError(f"a camp “{slug}” exists already; choose another --slug")
        first_day = datetime.date.fromisoformat(start) if start else timezone.localdate()
        try:
            with transaction.atomic():
                camp = self._load(data, slug, first_day)
        except (KeyError, TypeError, ValueError) as error:
            raise CommandError(f"{instance} is not a valid instance: {error!r}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Created “{camp.name}” (/{camp.slug}/): {camp.rooms.count()} rooms, {camp.slots.count()} slots, "
                f"{camp.participants.count()} Teilgeber, {camp.sessions.count()} sessions, "
                f"{Vote.objects.filter(session__camp=camp).count()} votes."
            )
        )

    def _load(self, data, slug, first_day):
        people = sorted({p for s in data["sessions"] for p in [*s["hosts"], *s["votes"]]})
        day_numbers = sorted({slot["day"] for slot in data["slots"]})
        dates = {
            number: first_day + datetime.timedelta(days=index)
            for index, number in enumerate(day_numbers)
        }
        camp = Camp.objects.create(
            name=data.get("meta", {}).get("name") or slug.replace("-", " ").title(),
            slug=slug,
            start_date=dates[day_numbers[0]],
            end_date=dates[day_numbers[-1]],
            capacity=max(1, len(people)),
        )
        rooms = {
            room["id"]: Room.objects.create(
                camp=camp,
                name=room.get("name") or room["id"],
                capacity=max(1, room["capacity"]),
                order=index,
            )
            for index, room in enumerate(data["rooms"])
        }
        slots = {
            slot["id"]: Slot.objects.create(
                camp=camp,
                date=dates[slot["day"]],
                start=datetime.time.fromisoformat(slot["start"]),
                end=datetime.time.fromisoformat(slot["end"]),
            )
            for slot in data["slots"]
        }
        User = get_user_model()
        users = User.objects.bulk_create(
            [
                User(
                    username=f"{slug}-{person}"[:150],
                    email=f"{person}@{slug}.invalid",
                    password="!",
                )
                for person in people
            ]
        )
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user=user, email=user.email, verified=True, primary=True)
                for user in users
            ]
        )
        participants = Participant.objects.bulk_create(
            [
                Participant(
                    camp=camp, user=user, status=Participant.Status.REGISTERED, display_name=person
                )
                for person, user in zip(people, users, strict=True)
            ]
        )
        by_person = dict(zip(people, participants, strict=True))
        sessions = {}
        for position, entry in enumerate(data["sessions"], start=1):
            first_slot = slots[entry["pinned"]["slot"]] if entry.get("pinned") else None
            sessions[entry["id"]] = Session.objects.create(
                camp=camp,
                title=entry.get("title") or entry["id"],
                format=Session.Format.DISCUSSION,
                length=entry.get("length", 1),
                day=first_slot.date if first_slot else camp.start_date,
                pitch_position=position,
            )
        SessionHost.objects.bulk_create(
            [
                SessionHost(
                    session=sessions[entry["id"]],
                    participant=by_person[host],
                    is_proposer=index == 0,
                )
                for entry in data["sessions"]
                for index, host in enumerate(entry["hosts"])
            ]
        )
        Vote.objects.bulk_create(
            [
                Vote(session=sessions[entry["id"]], participant=by_person[voter])
                for entry in data["sessions"]
                for voter in entry["votes"]
            ],
            ignore_conflicts=True,
        )
        Placement.objects.bulk_create(
            [
                Placement(
                    session=sessions[entry["id"]],
                    room=rooms[entry["pinned"]["room"]],
                    slot=slots[entry["pinned"]["slot"]],
                    pinned=True,
                )
                for entry in data["sessions"]
                if entry.get("pinned")
            ]
        )
        VotingDay.objects.bulk_create(
            [VotingDay(camp=camp, date=date, state=VotingDay.State.OPEN) for date in camp.days]
        )
        return camp
