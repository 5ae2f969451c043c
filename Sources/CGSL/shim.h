#ifndef FLYWHEEL_CGSL_SHIM_H
#define FLYWHEEL_CGSL_SHIM_H
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_multifit.h>

/// Swift 6 rejects GSL's global generator-type pointers as not concurrency-safe: read them here.
static inline const gsl_rng_type *flywheel_rng_mt19937(void) { return gsl_rng_mt19937; }

#endif
