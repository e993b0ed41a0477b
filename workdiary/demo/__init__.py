"""What `workdiary demo` shows besides the real program: a private virtual screen
(``virtual_screen``), a sample workspace on it (``workspace``), labelled synthetic input
(``demo_input``), put together by ``stage``. Product code: the testing kit imports from here."""
