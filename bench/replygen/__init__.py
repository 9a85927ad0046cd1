"""A deterministic, seeded generator of council replies with ground truth, for
measuring how well foi reads replies (bench/reading.py) and for tests.

    from bench.replygen import CAMPAIGNS, generate_reply
    reply = generate_reply(CAMPAIGNS[0], seed=1, index=7)
    reply.klass, reply.cells, reply.features, reply.body_text, reply.attachments
"""

from .campaigns import CAMPAIGNS, CampaignDef, QuestionDef
from .generate import CLASSES, LAYOUTS, Attachment, Reply, generate_reply
from .mail import reply_eml

__all__ = ["CAMPAIGNS", "CLASSES", "LAYOUTS", "Attachment", "CampaignDef", "QuestionDef", "Reply",
           "generate_reply", "reply_eml"]
