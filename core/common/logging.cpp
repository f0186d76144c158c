#include "logging.h"

Q_LOGGING_CATEGORY(lcEngine, "funcdesk.engine", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStore, "funcdesk.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcVersioning, "funcdesk.versioning", QtInfoMsg)
Q_LOGGING_CATEGORY(lcApi, "funcdesk.api", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUi, "funcdesk.ui", QtInfoMsg)
