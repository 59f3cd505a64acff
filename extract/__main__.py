"""`python -m extract` is the `facts` command."""
from extract.cli import main

raise SystemExit(main())
