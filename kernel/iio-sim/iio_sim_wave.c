// SPDX-License-Identifier: GPL-2.0-only
/*
 * iio_sim - waveform arithmetic and fixed-point sysfs values
 *
 * Copyright (C) 2026 The dmascope authors
 */

#include <linux/ctype.h>
#include <linux/errno.h>
#include <linux/math64.h>
#include <linux/sysfs.h>

#include "iio_sim.h"

/* sin(pi/2 * i / 256) * 32768, rounded: a quarter period, both ends included */
static const u16 iio_sim_quarter_sine[257] = {
	0, 201, 402, 603, 804, 1005, 1206, 1407, 1608, 1809,
	2009, 2210, 2411, 2611, 2811, 3012, 3212, 3412, 3612, 3812,
	4011, 4211, 4410, 4609, 4808, 5007, 5205, 5404, 5602, 5800,
	5998, 6195, 6393, 6590, 6787, 6983, 7180, 7376, 7571, 7767,
	7962, 8157, 8351, 8546, 8740, 8933, 9127, 9319, 9512, 9704,
	9896, 10088, 10279, 10469, 10660, 10850, 11039, 11228, 11417, 11605,
	11793, 11980, 12167, 12354, 12540, 12725, 12910, 13095, 13279, 13463,
	13646, 13828, 14010, 14192, 14373, 14553, 14733, 14912, 15091, 15269,
	15447, 15624, 15800, 15976, 16151, 16326, 16500, 16673, 16846, 17018,
	17190, 17361, 17531, 17700, 17869, 18037, 18205, 18372, 18538, 18703,
	18868, 19032, 19195, 19358, 19520, 19681, 19841, 20001, 20160, 20318,
	20475, 20632, 20788, 20943, 21097, 21251, 21403, 21555, 21706, 21856,
	22006, 22154, 22302, 22449, 22595, 22740, 22884, 23028, 23170, 23312,
	23453, 23593, 23732, 23870, 24008, 24144, 24279, 24414, 24548, 24680,
	24812, 24943, 25073, 25202, 25330, 25457, 25583, 25708, 25833, 25956,
	26078, 26199, 26320, 26439, 26557, 26674, 26791, 26906, 27020, 27133,
	27246, 27357, 27467, 27576, 27684, 27791, 27897, 28002, 28106, 28209,
	28311, 28411, 28511, 28610, 28707, 28803, 28899, 28993, 29086, 29178,
	29269, 29359, 29448, 29535, 29622, 29707, 29792, 29875, 29957, 30038,
	30118, 30196, 30274, 30350, 30425, 30499, 30572, 30644, 30715, 30784,
	30853, 30920, 30986, 31050, 31114, 31177, 31238, 31298, 31357, 31415,
	31471, 31527, 31581, 31634, 31686, 31737, 31786, 31834, 31881, 31927,
	31972, 32015, 32058, 32099, 32138, 32177, 32214, 32251, 32286, 32319,
	32352, 32383, 32413, 32442, 32470, 32496, 32522, 32546, 32568, 32590,
	32610, 32629, 32647, 32664, 32679, 32693, 32706, 32718, 32729, 32738,
	32746, 32753, 32758, 32762, 32766, 32767, 32768,
};

/**
 * iio_sim_sin_q15() - sine of a phase
 * @phase: phase, 2^32 is one period
 *
 * Interpolates linearly in a quarter-period table of 256 steps; the error is
 * below 2 / 32768 of full scale.
 *
 * Return: sin(2 * pi * @phase / 2^32) * 32768, in -32768..32768.
 */
int iio_sim_sin_q15(u32 phase)
{
	u32 quadrant = phase >> 30;
	u32 pos = phase & (BIT(30) - 1);
	u32 idx, frac;
	int a, b, v;

	/* The second and fourth quadrants run the table backwards */
	if (quadrant & 1)
		pos = BIT(30) - pos;

	idx = pos >> 22;
	frac = (pos >> 6) & 0xffff;
	a = iio_sim_quarter_sine[idx];
	b = idx < 256 ? iio_sim_quarter_sine[idx + 1] : a;
	v = a + (((b - a) * (int)frac) >> 16);

	return quadrant & 2 ? -v : v;
}

/**
 * iio_sim_phase_inc() - phase accumulator increment per sample
 * @freq_uhz: signal frequency in micro-hertz
 * @samp_freq: sampling frequency in Hz
 *
 * Return: 2 * floor(2^63 * frac(f / fs)): the phase advance per sample when
 * 2^64 is one period.
 */
u64 iio_sim_phase_inc(u64 freq_uhz, u32 samp_freq)
{
	u64 fs_uhz = (u64)samp_freq * 1000000;
	u64 rem;

	div64_u64_rem(freq_uhz, fs_uhz, &rem);

	return mul_u64_u64_div_u64(rem, BIT_ULL(63), fs_uhz) << 1;
}

/**
 * iio_sim_phase_offset() - phase accumulator value of a phase angle
 * @phase_udeg: phase in micro-degrees, 0 .. 360000000
 *
 * Return: 2 * floor(2^63 * phase / 360 degrees), modulo 2^64.
 */
u64 iio_sim_phase_offset(u32 phase_udeg)
{
	return mul_u64_u64_div_u64(phase_udeg, BIT_ULL(63), 360000000ULL) << 1;
}

/**
 * iio_sim_parse_micro() - parse a decimal number with up to six decimals
 * @buf: sysfs input, e.g. "-12.5\n"
 * @min: smallest accepted value, in millionths
 * @max: largest accepted value, in millionths
 * @val: the value in millionths, written only on success
 *
 * Digits past the sixth decimal are ignored; one trailing newline is allowed.
 *
 * Return: 0, or -EINVAL for garbage and values outside @min .. @max.
 */
int iio_sim_parse_micro(const char *buf, s64 min, s64 max, s64 *val)
{
	const char *p = buf;
	bool neg = false, digits = false;
	u64 ipart = 0, fpart = 0;
	unsigned int fdigits = 0;
	s64 v;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';

	for (; isdigit(*p); p++) {
		if (ipart > 1000000000000ULL)
			return -EINVAL;
		ipart = ipart * 10 + (*p - '0');
		digits = true;
	}

	if (*p == '.') {
		for (p++; isdigit(*p); p++) {
			if (fdigits < 6) {
				fpart = fpart * 10 + (*p - '0');
				fdigits++;
			}
			digits = true;
		}
	}

	if (*p == '\n')
		p++;
	if (!digits || *p)
		return -EINVAL;

	for (; fdigits < 6; fdigits++)
		fpart *= 10;

	v = ipart * 1000000 + fpart;
	if (neg)
		v = -v;
	if (v < min || v > max)
		return -EINVAL;

	*val = v;

	return 0;
}

/**
 * iio_sim_format_micro() - print a value kept in millionths
 * @buf: sysfs output buffer
 * @val: value in millionths
 *
 * Return: bytes written, like sysfs_emit().
 */
ssize_t iio_sim_format_micro(char *buf, s64 val)
{
	u64 mag = val < 0 ? -(u64)val : val;
	u32 frac;
	u64 ipart = div_u64_rem(mag, 1000000, &frac);

	return sysfs_emit(buf, "%s%llu.%06u\n", val < 0 ? "-" : "", ipart, frac);
}
