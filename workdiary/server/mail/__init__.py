"""Mail out of the outbox: render each kind in its reader's language (``render``), send it by
SMTP or write it as an ``.eml`` file (``transport``), and the worker that does both for every
due row, once (``delivery``). Services only queue (``services/mail.py``)."""
