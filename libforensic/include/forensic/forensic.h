/**
 * @file forensic.h
 * libforensic: forensic acquisition, hashing, image writers and readers, and
 * the chain-of-custody case database. Include this one header.
 */
#ifndef FORENSIC_FORENSIC_H
#define FORENSIC_FORENSIC_H

#include "forensic/common.h"
#include "forensic/types.h"
#include "forensic/hash.h"
#include "forensic/source.h"
#include "forensic/sink.h"
#include "forensic/acquire.h"
#include "forensic/image.h"
#include "forensic/util.h"
#include "forensic/json.h"
#include "forensic/casedb.h"
#include "forensic/verify.h"
#include "forensic/report.h"

#endif
