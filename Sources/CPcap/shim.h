// CPcap — the libpcap C API for Swift (found through pkg-config "libpcap", linked as -lpcap).
#ifndef TCPSIM_CPCAP_SHIM_H
#define TCPSIM_CPCAP_SHIM_H

#include <pcap/pcap.h>
#include <stdio.h>

#endif
