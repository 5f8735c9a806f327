"""Django's own date formats per page language (`FORMAT_MODULE_PATH`)."""
