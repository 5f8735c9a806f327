import sys

from .cli import main
from .deadline import process_started

sys.exit(main(sys.argv[1:], started=process_started()))
