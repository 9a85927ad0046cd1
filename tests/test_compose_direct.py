"""Messages with plain headers and a text body are written without the email package
(foi.mail.compose._plain_ascii): the bytes must be exactly the email package's."""

import datetime as dt
import random
import string
from email.message import EmailMessage

from foi.letters.render import Rendered
from foi.mail import compose
from foi.mail.compose import POLICY, Envelope, build_message
from foi.safetext import plain_text

WORD_CHARS = string.ascii_letters * 8 + string.digits + "-,.:;()[]!?&/=<>@\\\"'"
NAMES = ["Children's Rights Campaign", "A. Smith", "Bob", None, "Ynys Môn", "x" * 80, 'Jo "Q" Z', "Campaign (FOI)"]
ZONES = [dt.UTC, dt.timezone(dt.timedelta(hours=1)), dt.timezone(dt.timedelta(hours=-5, minutes=-30))]


def by_the_email_package(rendered: Rendered, envelope: Envelope) -> bytes:
    message = EmailMessage(policy=POLICY)
    for name, value in compose._header_fields(rendered, envelope):
        message[name] = value
    message.set_content(plain_text(rendered.body))
    return message.as_bytes(policy=POLICY)


def random_message(rng: random.Random) -> tuple[Rendered, Envelope]:
    def word() -> str:
        return "".join(rng.choice(WORD_CHARS) for _ in range(rng.randint(1, rng.choice([1, 3, 8, 20, 40, 70]))))

    subject = " ".join(word() for _ in range(rng.randint(1, 14))) + rng.choice(["", "", " é", " =?x?="])
    body = "\n".join(" ".join(word() for _ in range(rng.randint(0, rng.choice([4, 40]))))
                     for _ in range(rng.randint(0, 14))) + rng.choice(["", "", " café £5"])
    reference = "EH-" + "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
    when = dt.datetime(2026, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59),
                       tzinfo=rng.choice(ZONES))
    envelope = Envelope("campaigns@charity.test", rng.choice(["foi@council.gov.uk", "a.b+c@x-y.org", "x@y"]),
                        compose.make_message_id(reference, "campaigns@charity.test"), when, rng.choice(NAMES),
                        rng.choice([None, f"foi+{reference.lower()}@charity.test"]),
                        rng.choice([None, "<abc.def@council.gov.uk>", "<" + "x" * 80 + "@y.z>"]))
    return Rendered(subject, body, []), envelope


def test_written_directly_the_bytes_are_the_email_packages():
    rng = random.Random(20)
    direct = 0
    for _ in range(1000):
        rendered, envelope = random_message(rng)
        expected = by_the_email_package(rendered, envelope)
        assert build_message(rendered, envelope) == expected, (rendered, envelope)
        fields = compose._header_fields(rendered, envelope)
        direct += compose._plain_ascii(fields, plain_text(rendered.body)) is not None
    # both ways were exercised: folded and unfolded subjects, 7bit and quoted-printable bodies
    assert 100 < direct < 900
