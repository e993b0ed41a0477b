"""Languages of what the server writes for people (web pages and mail): gettext catalogs, the
reader's language, and Babel formats for money, numbers and dates. Below ``web`` and ``mail``,
so both use one set of catalogs and one way to write an amount."""
