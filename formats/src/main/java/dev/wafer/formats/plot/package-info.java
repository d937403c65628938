/**
 * PNG plots of the studies (XChart, rendered headless through ImageIO): the coordinate check's panels per step,
 * loss versus learning rate per width, and loss versus training FLOPs with the fitted frontier.
 */
package dev.wafer.formats.plot;
