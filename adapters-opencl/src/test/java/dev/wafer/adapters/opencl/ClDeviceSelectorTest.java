package dev.wafer.adapters.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.aparapi.device.OpenCLDevice;

class ClDeviceSelectorTest {
    @Test
    void parsesPlatformAndDeviceByIndexOrName() {
        assertEquals(new ClDeviceSelector("0", "pocl"), ClDeviceSelector.parse("platform=0,device=pocl"));
        assertEquals(new ClDeviceSelector("", "1"), ClDeviceSelector.parse(" device = 1 "));
        assertEquals(ClDeviceSelector.FIRST, ClDeviceSelector.parse(""));
        assertEquals(ClDeviceSelector.FIRST, ClDeviceSelector.parse(null));
        assertEquals("platform=*,device=nvidia", ClDeviceSelector.parse("device=nvidia").toString());
    }

    @Test
    void rejectsMalformedSelections() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClDeviceSelector.parse("gpu=1"));
        assertTrue(e.getMessage().contains("unknown key 'gpu'"), e.getMessage());
        IllegalArgumentException garbage = assertThrows(IllegalArgumentException.class,
                () -> ClDeviceSelector.parse("garbage"));
        assertEquals("expected " + ClDeviceSelector.FORM + ", found 'garbage'", garbage.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> ClDeviceSelector.parse("device=0,device=1"));
        assertTrue(twice.getMessage().contains("'device' given twice"), twice.getMessage());
    }

    /** A device value matches its index, name, type (cpu, gpu, accelerator) or its platform's name. */
    @Test
    void deviceMatchesIndexNameTypeOrPlatformName() {
        String pocl = "Portable Computing Language";
        String cpu = "pthread-skylake-avx512-AMD EPYC";
        for (String yes : new String[] {"0", "00", "", "EPYC", "cpu", "CPU", "portable", "computing"}) {
            assertTrue(ClDeviceSelector.parse("device=" + yes).matchesDevice(0, cpu, "CPU", pocl), yes);
        }
        for (String no : new String[] {"1", "-1", "gpu", "pocl", "nvidia", "99999999999"}) {
            assertFalse(ClDeviceSelector.parse("device=" + no).matchesDevice(0, cpu, "CPU", pocl), no);
        }
        assertTrue(ClDeviceSelector.parse("device=accelerator").matchesDevice(0, "x", "ACC", "p"));
        assertTrue(ClDeviceSelector.parse("platform=portable").matchesPlatform(0, pocl));
        assertFalse(ClDeviceSelector.parse("platform=pocl").matchesPlatform(0, pocl));
        assertFalse(ClDeviceSelector.parse("platform=5").matchesPlatform(0, pocl));
    }

    @Test
    void selectsByIndexAndByNameSubstring() {
        OpenClTestDevice.assumeDevice();
        OpenCLDevice first = ClDeviceSelector.FIRST.select();
        assertEquals(first, ClDeviceSelector.parse("platform=0,device=0").select());
        String name = first.getName().strip();
        String part = name.substring(0, Math.min(6, name.length())).toUpperCase(java.util.Locale.ROOT);
        assertEquals(first, ClDeviceSelector.parse("device=" + part).select(), "name match ignores case");
        List<String> all = ClDeviceSelector.describeAll();
        assertFalse(all.isEmpty());
        assertTrue(all.get(0).contains(name), all.toString());
    }

    @Test
    void noMatchListsWhatExists() {
        OpenClTestDevice.assumeDevice();
        ClUnavailableException e = assertThrows(ClUnavailableException.class,
                () -> ClDeviceSelector.parse("platform=0,device=no-such-accelerator").select());
        assertTrue(e.getMessage().contains("no-such-accelerator"), e.getMessage());
        assertTrue(e.getMessage().contains(ClDeviceSelector.describeAll().get(0)), e.getMessage());
        assertThrows(ClUnavailableException.class, () -> ClDeviceSelector.parse("platform=99").select());
    }
}
