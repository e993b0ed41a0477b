"""The testing kit: fakes, rigs and sample data for the tests, the benchmarks and their tools.

The product never imports this package (``tests/test_layering.py`` walks the product's imports
and fails if one does); ``tests/`` and ``benchmarks/`` use it freely. One module per part:

- ``capture_fakes``: scripted screen grabber, input counter and window probe;
- ``memory_store``: ``MemoryStore``, the desktop store's memory twin (one contract suite runs
  against it and ``LocalStore``: ``tests/store/test_store_contract.py``); its rows in
  ``memory_rows``;
- ``fake_api``: ``FakeApi``, the outbox's three server calls with scripted failures;
- ``keyrings``: ``MemoryKeyring``, an in-memory OS keyring backend;
- ``devices``: ``DeviceChain``, the one device-signing helper (key, seq, chain hash);
- ``images``: ``make_jpeg``, the one JPEG maker (plain, busy or noisy pictures);
- ``busy_screen``: a dense, deterministic desktop picture;
- ``recording``: segments recorded straight into a store, a day or a week at a time;
- ``faultproxy``: an HTTP proxy on loopback that injects faults (500, hang, drop, reset);
- ``xvfb``: a private Xvfb on a free display number.
"""
