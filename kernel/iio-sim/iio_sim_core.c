// SPDX-License-Identifier: GPL-2.0-only
/*
 * iio_sim - simulated IIO ADC and DAC with a DMABUF-capable DMA buffer
 *
 * The module registers one platform device "iio-sim" with a 64-bit DMA mask
 * and its driver. The driver creates two IIO devices, "iio-sim-adc" (input)
 * and "iio-sim-dac" (output), each with an upstream industrialio-buffer-dma
 * queue, and one engine thread that plays the DMA controller for both from
 * one clock: each step moves the DAC, then the ADC, up to the same instant, so
 * the ADC's loopback channels see exactly what the DAC output.
 *
 * Copyright (C) 2026 The dmascope authors
 */

#include <linux/dma-mapping.h>
#include <linux/iio/iio.h>
#include <linux/iio/sysfs.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "iio_sim.h"

static ssize_t iio_sim_samp_freq_show(struct device *dev,
				      struct device_attribute *attr, char *buf)
{
	struct iio_sim_stream *s = iio_priv(dev_to_iio_dev(dev));

	guard(mutex)(&s->lock);

	return sysfs_emit(buf, "%u\n", s->samp_freq);
}

/*
 * A plain decimal integer in range, else -EINVAL (also for overflow, where
 * the IIO core's parser would give -ERANGE); -EBUSY while the buffer is on.
 */
static ssize_t iio_sim_samp_freq_store(struct device *dev,
				       struct device_attribute *attr,
				       const char *buf, size_t len)
{
	struct iio_dev *indio_dev = dev_to_iio_dev(dev);
	struct iio_sim_stream *s = iio_priv(indio_dev);
	unsigned int val;
	int ret;

	if (kstrtouint(buf, 10, &val) || val < IIO_SIM_MIN_SAMP_FREQ ||
	    val > IIO_SIM_MAX_SAMP_FREQ)
		return -EINVAL;

	ret = iio_device_claim_direct_mode(indio_dev);
	if (ret)
		return ret;
	scoped_guard(mutex, &s->lock)
		s->samp_freq = val;
	iio_device_release_direct_mode(indio_dev);

	return len;
}

static ssize_t iio_sim_samp_freq_avail_show(struct device *dev,
					    struct device_attribute *attr,
					    char *buf)
{
	return sysfs_emit(buf, "[%u 1 %u]\n", IIO_SIM_MIN_SAMP_FREQ,
			  IIO_SIM_MAX_SAMP_FREQ);
}

static ssize_t iio_sim_throughput_show(struct device *dev,
				       struct device_attribute *attr, char *buf)
{
	struct iio_sim_stream *s = iio_priv(dev_to_iio_dev(dev));

	guard(mutex)(&s->lock);

	return sysfs_emit(buf, "%d\n", s->throughput);
}

static ssize_t iio_sim_throughput_store(struct device *dev,
					struct device_attribute *attr,
					const char *buf, size_t len)
{
	struct iio_dev *indio_dev = dev_to_iio_dev(dev);
	struct iio_sim_stream *s = iio_priv(indio_dev);
	unsigned int val;
	int ret;

	ret = kstrtouint(buf, 10, &val);
	if (ret || val > 1)
		return -EINVAL;

	ret = iio_device_claim_direct_mode(indio_dev);
	if (ret)
		return ret;
	scoped_guard(mutex, &s->lock)
		s->throughput = val;
	iio_device_release_direct_mode(indio_dev);

	return len;
}

static ssize_t iio_sim_lost_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct iio_sim_stream *s = iio_priv(dev_to_iio_dev(dev));

	guard(mutex)(&s->lock);

	return sysfs_emit(buf, "%llu\n", s->lost);
}

static ssize_t iio_sim_lost_store(struct device *dev,
				  struct device_attribute *attr,
				  const char *buf, size_t len)
{
	struct iio_sim_stream *s = iio_priv(dev_to_iio_dev(dev));
	unsigned int val;

	if (kstrtouint(buf, 10, &val) || val)
		return -EINVAL;

	guard(mutex)(&s->lock);
	s->lost = 0;
	iio_sim_stream_lost_changed(s);

	return len;
}

static IIO_DEV_ATTR_SAMP_FREQ(0644, iio_sim_samp_freq_show,
			      iio_sim_samp_freq_store);
static IIO_DEV_ATTR_SAMP_FREQ_AVAIL(iio_sim_samp_freq_avail_show);
static IIO_DEVICE_ATTR(throughput_mode, 0644, iio_sim_throughput_show,
		       iio_sim_throughput_store, 0);
static IIO_DEVICE_ATTR(dropped_samples, 0644, iio_sim_lost_show,
		       iio_sim_lost_store, 0);
static IIO_DEVICE_ATTR(underrun_samples, 0644, iio_sim_lost_show,
		       iio_sim_lost_store, 0);

static struct attribute *iio_sim_adc_attrs[] = {
	&iio_dev_attr_sampling_frequency.dev_attr.attr,
	&iio_dev_attr_sampling_frequency_available.dev_attr.attr,
	&iio_dev_attr_throughput_mode.dev_attr.attr,
	&iio_dev_attr_dropped_samples.dev_attr.attr,
	NULL
};

static struct attribute *iio_sim_dac_attrs[] = {
	&iio_dev_attr_sampling_frequency.dev_attr.attr,
	&iio_dev_attr_sampling_frequency_available.dev_attr.attr,
	&iio_dev_attr_throughput_mode.dev_attr.attr,
	&iio_dev_attr_underrun_samples.dev_attr.attr,
	NULL
};

const struct attribute_group iio_sim_adc_attr_group = {
	.attrs = iio_sim_adc_attrs,
};

const struct attribute_group iio_sim_dac_attr_group = {
	.attrs = iio_sim_dac_attrs,
};

/**
 * iio_sim_kick() - make the engine re-plan its next step now
 * @sim: module state
 */
void iio_sim_kick(struct iio_sim *sim)
{
	atomic_set(&sim->kick, 1);
	wake_up_process(sim->engine);
}

/**
 * iio_sim_engine() - the simulated DMA controller
 * @data: module state
 *
 * Steps the DAC and then the ADC to the current time, then sleeps until the
 * next block completes (or at most IIO_SIM_MAX_SLEEP_NS while streaming), or
 * until kicked. Rates derive from the time since enable, not from wake-ups.
 *
 * Return: 0 when stopped.
 */
static int iio_sim_engine(void *data)
{
	struct iio_sim *sim = data;
	ktime_t now, next, adc_next;

	while (!kthread_should_stop()) {
		atomic_set(&sim->kick, 0);
		now = ktime_get();
		next = iio_sim_dac_step(sim, now);
		adc_next = iio_sim_adc_step(sim, now);
		next = min(next, adc_next);

		set_current_state(TASK_IDLE);
		if (kthread_should_stop() || atomic_read(&sim->kick)) {
			__set_current_state(TASK_RUNNING);
			continue;
		}
		if (next == KTIME_MAX)
			schedule();
		else
			schedule_hrtimeout_range(&next, 20 * NSEC_PER_USEC,
						 HRTIMER_MODE_ABS);
	}

	return 0;
}

/**
 * iio_sim_destroy() - free a device created by iio_sim_adc/dac_create()
 * @indio_dev: the device, unregistered
 * @b: its buffer
 */
static void iio_sim_destroy(struct iio_dev *indio_dev, struct iio_sim_buffer *b)
{
	iio_sim_buffer_teardown(b);
	iio_device_free(indio_dev);
	iio_sim_buffer_release_pin(b);
}

static void iio_sim_free_ring(void *ring)
{
	kvfree(ring);
}

static int iio_sim_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct iio_sim *sim;
	int ret;

	sim = devm_kzalloc(dev, sizeof(*sim), GFP_KERNEL);
	if (!sim)
		return -ENOMEM;

	sim->dev = dev;
	sim->load_time = ktime_get();
	atomic_set(&sim->kick, 0);

	sim->ring = kvcalloc(IIO_SIM_RING_LEN, sizeof(*sim->ring), GFP_KERNEL);
	if (!sim->ring)
		return -ENOMEM;
	ret = devm_add_action_or_reset(dev, iio_sim_free_ring, sim->ring);
	if (ret)
		return ret;

	sim->adc_dev = iio_sim_adc_create(sim);
	if (IS_ERR(sim->adc_dev))
		return PTR_ERR(sim->adc_dev);

	sim->dac_dev = iio_sim_dac_create(sim);
	if (IS_ERR(sim->dac_dev)) {
		ret = PTR_ERR(sim->dac_dev);
		goto err_destroy_adc;
	}

	sim->engine = kthread_run(iio_sim_engine, sim, "iio_sim");
	if (IS_ERR(sim->engine)) {
		ret = PTR_ERR(sim->engine);
		goto err_destroy_dac;
	}

	ret = iio_device_register(sim->adc_dev);
	if (ret)
		goto err_stop_engine;

	ret = iio_device_register(sim->dac_dev);
	if (ret)
		goto err_unregister_adc;

	ret = iio_sim_stream_publish_lost(&sim->adc->s, "dropped_samples");
	if (ret)
		goto err_unregister_dac;

	ret = iio_sim_stream_publish_lost(&sim->dac->s, "underrun_samples");
	if (ret)
		goto err_unpublish_adc;

	platform_set_drvdata(pdev, sim);

	return 0;

err_unpublish_adc:
	iio_sim_stream_unpublish_lost(&sim->adc->s);
err_unregister_dac:
	iio_device_unregister(sim->dac_dev);
err_unregister_adc:
	iio_device_unregister(sim->adc_dev);
err_stop_engine:
	kthread_stop(sim->engine);
err_destroy_dac:
	iio_sim_destroy(sim->dac_dev, sim->dac->s.buf);
err_destroy_adc:
	iio_sim_destroy(sim->adc_dev, sim->adc->s.buf);
	return ret;
}

/*
 * Unregistering disables the buffers, which gives back every block. Buffer
 * fds may stay open: see iio_sim_buffer_teardown() for how they are cut off
 * from the module.
 */
static void iio_sim_remove(struct platform_device *pdev)
{
	struct iio_sim *sim = platform_get_drvdata(pdev);

	iio_device_unregister(sim->dac_dev);
	iio_device_unregister(sim->adc_dev);
	iio_sim_stream_unpublish_lost(&sim->dac->s);
	iio_sim_stream_unpublish_lost(&sim->adc->s);
	kthread_stop(sim->engine);
	iio_sim_destroy(sim->dac_dev, sim->dac->s.buf);
	iio_sim_destroy(sim->adc_dev, sim->adc->s.buf);
}

static struct platform_driver iio_sim_driver = {
	.driver = {
		.name = "iio-sim",
	},
	.probe = iio_sim_probe,
	.remove = iio_sim_remove,
};

static const struct platform_device_info iio_sim_pdev_info = {
	.name = "iio-sim",
	.id = PLATFORM_DEVID_NONE,
	/* DMABUF pages may live anywhere in memory: no bouncing */
	.dma_mask = DMA_BIT_MASK(64),
};

static struct platform_device *iio_sim_pdev;

static int __init iio_sim_init(void)
{
	int ret;

	ret = platform_driver_register(&iio_sim_driver);
	if (ret)
		return ret;

	iio_sim_pdev = platform_device_register_full(&iio_sim_pdev_info);
	if (IS_ERR(iio_sim_pdev)) {
		ret = PTR_ERR(iio_sim_pdev);
		goto err_unregister_driver;
	}

	/* Fail the load, not just the probe, so that users notice */
	if (!platform_get_drvdata(iio_sim_pdev)) {
		ret = -ENODEV;
		goto err_unregister_device;
	}

	return 0;

err_unregister_device:
	platform_device_unregister(iio_sim_pdev);
err_unregister_driver:
	platform_driver_unregister(&iio_sim_driver);
	return ret;
}
module_init(iio_sim_init);

static void __exit iio_sim_exit(void)
{
	platform_device_unregister(iio_sim_pdev);
	platform_driver_unregister(&iio_sim_driver);
}
module_exit(iio_sim_exit);

MODULE_AUTHOR("The dmascope authors");
MODULE_DESCRIPTION("Simulated IIO ADC and DAC with DMABUF support");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(IIO_DMA_BUFFER);
