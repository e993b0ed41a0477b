import sys

from workdiary.cli.main import main

sys.exit(main())
