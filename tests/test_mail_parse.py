from mailbuild import mail

from foi.mail.filenames import sanitise_filename
from foi.mail.parse import parse_message


def test_headers_addresses_dates_and_threading():
    raw = (
        b"Return-Path: <foi@leeds.gov.uk>\r\n"
        b"Delivered-To: foi+eh-bns-592v@campaign.org\r\n"
        b"Received: from mx.leeds.gov.uk by mx.campaign.org with ESMTPS id 1\r\n"
        b"\tfor <foi+EH-BNS-592V@campaign.org>; Tue, 3 Mar 2026 14:05:09 +0000\r\n"
        b"From: =?iso-8859-1?q?Fr=E9d=E9ric_Smith?= <FOI@Leeds.gov.uk>\r\n"
        b"To: \"Campaign, FOI\" <foi@campaign.org>, other@example.org\r\n"
        b"Cc: records@leeds.gov.uk\r\n"
        b"Subject: =?utf-8?B?UmU6IEZPSSByZXF1ZXN0IOKAkyBjaGlsZHJlbg==?=\r\n"
        b"Date: Tue, 3 Mar 2026 14:05:00 +0100\r\n"
        b"Message-ID: <abc@leeds.gov.uk>\r\n"
        b"In-Reply-To: <req-1@campaign.org>\r\n"
        b"References: <req-0@campaign.org>\r\n <req-1@campaign.org>\r\n"
        b"\r\nThanks.\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.from_addr == "foi@leeds.gov.uk"
    assert parsed.from_name == "Fr\u00e9d\u00e9ric Smith"
    assert parsed.to_addrs == ["foi@campaign.org", "other@example.org"]
    assert parsed.cc_addrs == ["records@leeds.gov.uk"]
    assert parsed.delivered_to == ["foi+eh-bns-592v@campaign.org"]
    assert parsed.subject == "Re: FOI request \u2013 children"
    assert parsed.date == "2026-03-03T14:05:00+01:00"
    assert parsed.received_date == "2026-03-03T14:05:09+00:00"
    assert parsed.message_id == "<abc@leeds.gov.uk>"
    assert parsed.in_reply_to == "<req-1@campaign.org>"
    assert parsed.references == ["<req-0@campaign.org>", "<req-1@campaign.org>"]
    assert parsed.auto_headers == {}
    assert parsed.body_text == "Thanks."
    assert parsed.parse_error is None


def test_auto_reply_signals():
    raw = mail(extra="Auto-Submitted: auto-replied\r\nX-Auto-Response-Suppress: All\r\n"
                     "Precedence: bulk\r\nReturn-Path: <>\r\n")
    parsed = parse_message(raw)
    assert parsed.auto_headers == {
        "Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All",
        "Precedence": "bulk", "Return-Path": "<>",
    }
    assert parsed.auto_submitted.startswith("Auto-Submitted: auto-replied; ")
    assert parse_message(mail(extra="Auto-Submitted: no\r\n")).auto_headers == {}


def test_charsets_lying_unknown_and_odd():
    latin = (b"Subject: =?x-unknown?q?caf=E9?=\r\nContent-Type: text/plain; charset=windows-1252\r\n\r\n"
             b"\x93quoted\x94 \x80 5\r\n")
    parsed = parse_message(latin)
    assert parsed.body_text == "\u201cquoted\u201d \u20ac 5"
    assert parsed.subject == "caf\u00e9"
    mislabelled = "Content-Type: text/plain; charset=iso-8859-1\r\n\r\nna\u00efve \u2013 ok\r\n".encode("utf-8")
    assert parse_message(mislabelled).body_text == "na\u00efve \u2013 ok"
    unknown = b"Content-Type: text/plain; charset=klingon\r\n\r\nplain ascii\r\n"
    assert parse_message(unknown).body_text == "plain ascii"


def test_html_only_body_keeps_table_rows_and_cells():
    raw = (
        b"From: foi@york.gov.uk\r\nSubject: figures\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<html><head><style>td {color: red}</style><script>alert(1)</script></head><body>"
        b"<p>Dear Requester,</p><table><tr><th>Year</th><th>Referrals</th></tr>"
        b"<tr><td>2024/25</td><td>1,234</td></tr></table><p>Regards&nbsp;York</p></body></html>\r\n"
    )
    assert parse_message(raw).body_text == "Dear Requester,\n\nYear\tReferrals\n2024/25\t1,234\n\nRegards York"


def test_plain_alternative_preferred_and_attachments_listed():
    raw = (
        b"From: a@b.org\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\n"
        b"--X\r\nContent-Type: multipart/alternative; boundary=Y\r\n\r\n"
        b"--Y\r\nContent-Type: text/plain\r\n\r\nplain words\r\n"
        b"--Y\r\nContent-Type: text/html\r\n\r\n<p>html words</p>\r\n--Y--\r\n"
        b"--X\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Disposition: attachment; filename*=utf-8''R%C3%A9ponse%20FOI%202026.xlsx\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nAAEC\r\n"
        b"--X\r\nContent-Type: application/pdf; name=\"=?utf-8?q?Lettre_=C3=A0_vous.pdf?=\"\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--X--\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.body_text == "plain words"
    assert [(p.filename, p.declared_type, p.data) for p in parsed.attachments] == [
        ("R\u00e9ponse FOI 2026.xlsx", "application/octet-stream", b"\x00\x01\x02"),
        ("Lettre \u00e0 vous.pdf", "application/pdf", b"%PDF-"),
    ]


def test_never_raises_on_garbage():
    for raw in (b"", b"\x00\xff\xfe garbage \x00", b"Content-Type: multipart/mixed; boundary=Q\r\n\r\n--Q\r\n",
                b"From: <<<@@@>>>\r\nDate: yesterday-ish\r\nSubject: =?utf-8?b?broken\r\n\r\n"):
        parsed = parse_message(raw)
        assert parsed.date is None
    assert parse_message(b"").parse_error == "no headers or body could be read"


def test_sanitise_filename():
    assert sanitise_filename("../../etc/passwd") == "passwd"
    assert sanitise_filename("C:\\Users\\x\\Desktop\\FOI reply.xlsx") == "FOI reply.xlsx"
    assert sanitise_filename("con.txt") == "_con.txt"
    assert sanitise_filename("LPT1") == "_LPT1"
    assert sanitise_filename("a\x00b\x1fc?.pdf") == "a_b_c_.pdf"
    assert sanitise_filename("..") == "attachment"
    assert sanitise_filename("", "part-3.pdf") == "part-3.pdf"
    assert sanitise_filename("=?utf-8?q?R=C3=A9sum=C3=A9.docx?=") == "R\u00e9sum\u00e9.docx"
    long_name = sanitise_filename("x" * 400 + ".xlsx")
    assert len(long_name) == 150 and long_name.endswith(".xlsx")
