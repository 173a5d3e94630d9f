import logging, os
logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
