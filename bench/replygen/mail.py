"""A generated reply as the .eml a council would send: answering our request's
Message-ID, plain text, HTML (alone or with a text alternative), and the
attachment if any."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime

from .generate import Reply


def reply_eml(reply: Reply, *, our_subject: str, our_message_id: str, our_address: str,
              council_address: str, when: dt.datetime) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Information Requests <{council_address}>"
    msg["To"] = our_address
    msg["Subject"] = reply.subject or f"RE: {our_subject}"
    msg["Date"] = format_datetime(when)
    domain = council_address.rpartition("@")[2]
    msg["Message-ID"] = f"<gen-{reply.campaign}-{reply.index}.{when:%Y%m%d%H%M}@{domain}>"
    msg["In-Reply-To"] = our_message_id
    msg["References"] = our_message_id
    if reply.body_html is not None and reply.features.get("html_alt") == "html_only":
        msg.set_content(reply.body_html, subtype="html", charset="utf-8")
    else:
        msg.set_content(reply.body_text, charset="utf-8")
        if reply.body_html is not None:
            msg.add_alternative(reply.body_html, subtype="html", charset="utf-8")
    for attachment in reply.attachments:
        maintype, _, subtype = attachment.mime.partition("/")
        msg.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return msg.as_bytes()
