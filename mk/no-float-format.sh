#!/bin/sh
# base/no_float_format.c replaces the software quad-float routines that musl's
# printf would pull in on aarch64 with traps, so nothing may format a
# floating-point number: fail on a format string with %e, %f, %g or %a.
if grep -nE '"[^"]*%[-+ #0-9.*]*(L|l)?[eEfFgGaA][^"]*"' base/*.c init/*.c setup/*.c reaper/*.c | grep -v 'no_float_format.c'; then
    echo "no-float-format: a floating-point conversion above would trap (base/no_float_format.c)" >&2
    exit 1
fi
echo "no-float-format: no floating-point conversions in format strings"
