/// Exact header lines of the dialects as their tools write them (see docs/dialects.md).
public enum DialectHeaders {
    /// nfdump 1.7.0–1.7.4 `-o csv`: 48 columns.
    public static let nfdumpCSV = "ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,smk,dmk,dtos,dir,nh,nhb,svln,dvln,ismc,odmc,idmc,osmc,mpls1,mpls2,mpls3,mpls4,mpls5,mpls6,mpls7,mpls8,mpls9,mpls10,cl,sl,al,ra,eng,exid,tr"
    /// nfdump 1.7.5+ `-o csv` (format `%ts,%td,%pr,%sa,%sp,%da,%dp,%pkt,%byt,%fl`).
    public static let nfdumpCSVNew = "firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows"
    /// nfdump 1.7.5+ `-o csv-fast`.
    public static let nfdumpCSVFast = "cnt,af,firstSeen,lastSeen,proto,srcAddr,srcPort,dstAddr,dstPort,srcAS,dstAS,input,output,flags,srcTos,packets,bytes"
    /// nfdump's CSV summary block (1.6–1.7.4 `-o csv` without `-q`).
    public static let nfdumpSummaryTitle = "Summary"
    public static let nfdumpSummaryHeader = "flows,bytes,packets,avg_bps,avg_pps,avg_bpp"

    /// Zeek conn.log `#fields` (Zeek 3.x–7.x default, no optional fields).
    public static let zeekConnFields = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto",
                                        "service", "duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig",
                                        "local_resp", "missed_bytes", "history", "orig_pkts", "orig_ip_bytes",
                                        "resp_pkts", "resp_ip_bytes", "tunnel_parents"]
    public static let zeekConnTypes = ["time", "string", "addr", "port", "addr", "port", "enum", "string", "interval",
                                       "count", "count", "string", "bool", "bool", "count", "string", "count", "count",
                                       "count", "count", "set[string]"]

    /// AWS VPC Flow Logs version 2 default format.
    public static let awsVPC = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"

    /// CICFlowMeter-V3 (CSE-CIC-IDS2018 "Thuesday-20-02-2018" file, 84 columns).
    public static let cicFlowMeterColumns: [String] = [
        "Flow ID", "Src IP", "Src Port", "Dst IP", "Dst Port", "Protocol", "Timestamp", "Flow Duration",
        "Tot Fwd Pkts", "Tot Bwd Pkts", "TotLen Fwd Pkts", "TotLen Bwd Pkts", "Fwd Pkt Len Max", "Fwd Pkt Len Min",
        "Fwd Pkt Len Mean", "Fwd Pkt Len Std", "Bwd Pkt Len Max", "Bwd Pkt Len Min", "Bwd Pkt Len Mean",
        "Bwd Pkt Len Std", "Flow Byts/s", "Flow Pkts/s", "Flow IAT Mean", "Flow IAT Std", "Flow IAT Max",
        "Flow IAT Min", "Fwd IAT Tot", "Fwd IAT Mean", "Fwd IAT Std", "Fwd IAT Max", "Fwd IAT Min", "Bwd IAT Tot",
        "Bwd IAT Mean", "Bwd IAT Std", "Bwd IAT Max", "Bwd IAT Min", "Fwd PSH Flags", "Bwd PSH Flags",
        "Fwd URG Flags", "Bwd URG Flags", "Fwd Header Len", "Bwd Header Len", "Fwd Pkts/s", "Bwd Pkts/s",
        "Pkt Len Min", "Pkt Len Max", "Pkt Len Mean", "Pkt Len Std", "Pkt Len Var", "FIN Flag Cnt", "SYN Flag Cnt",
        "RST Flag Cnt", "PSH Flag Cnt", "ACK Flag Cnt", "URG Flag Cnt", "CWE Flag Count", "ECE Flag Cnt",
        "Down/Up Ratio", "Pkt Size Avg", "Fwd Seg Size Avg", "Bwd Seg Size Avg", "Fwd Byts/b Avg",
        "Fwd Pkts/b Avg", "Fwd Blk Rate Avg", "Bwd Byts/b Avg", "Bwd Pkts/b Avg", "Bwd Blk Rate Avg",
        "Subflow Fwd Pkts", "Subflow Fwd Byts", "Subflow Bwd Pkts", "Subflow Bwd Byts", "Init Fwd Win Byts",
        "Init Bwd Win Byts", "Fwd Act Data Pkts", "Fwd Seg Size Min", "Active Mean", "Active Std", "Active Max",
        "Active Min", "Idle Mean", "Idle Std", "Idle Max", "Idle Min", "Label",
    ]

    /// Argus `ra -n -u -c , -s stime ltime proto saddr sport dir daddr dport spkts dpkts sbytes dbytes state`
    /// (argus-clients 3.0.8): the title line ra prints.
    public static let argus = "StartTime,LastTime,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,SrcPkts,DstPkts,SrcBytes,DstBytes,State"
    /// CTU-13 `*.binetflow` (Argus output labelled by the dataset's authors).
    public static let ctu13Binetflow = "StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,sTos,dTos,TotPkts,TotBytes,SrcBytes,Label"

    /// UNSW-NB15 CSV parts 1–4: the 49 columns of UNSW-NB15_features.csv, in order (the
    /// parts have no header line; `ct_src_ ltm` is spelled with its space as published).
    public static let unswNB15Columns: [String] = [
        "srcip", "sport", "dstip", "dsport", "proto", "state", "dur", "sbytes", "dbytes", "sttl", "dttl", "sloss",
        "dloss", "service", "Sload", "Dload", "Spkts", "Dpkts", "swin", "dwin", "stcpb", "dtcpb", "smeansz",
        "dmeansz", "trans_depth", "res_bdy_len", "Sjit", "Djit", "Stime", "Ltime", "Sintpkt", "Dintpkt", "tcprtt",
        "synack", "ackdat", "is_sm_ips_ports", "ct_state_ttl", "ct_flw_http_mthd", "is_ftp_login", "ct_ftp_cmd",
        "ct_srv_src", "ct_srv_dst", "ct_dst_ltm", "ct_src_ ltm", "ct_src_dport_ltm", "ct_dst_sport_ltm",
        "ct_dst_src_ltm", "attack_cat", "Label",
    ]

    /// floe's own generic CSV: schema field names, ISO 8601 UTC times.
    public static let genericCSV = "start,end,src_addr,dst_addr,src_port,dst_port,protocol,tcp_flags,packets,bytes,input_if,output_if,src_as,dst_as,tos,exporter,sampling_rate,flow_direction,rev_packets,rev_bytes,label"
}
