#ifndef FLYWHEEL_CXGBOOST_SHIM_H
#define FLYWHEEL_CXGBOOST_SHIM_H
// XGBoost's C API (Debian's libxgboost-dev, 1.7.x).
#include <xgboost/c_api.h>
#endif
