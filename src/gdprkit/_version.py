"""The version of gdprkit, read by the build backend and by ``gdprkit.__version__``."""

__version__ = "0.1.0.dev0"
