"""PDF documents (invoices, hours reports): Jinja templates under ``templates/pdf/`` rendered
in the reader's language, laid out by WeasyPrint. WeasyPrint is imported on the first PDF only,
so the desktop and the server's other paths never load it."""
