"""The reliability workflow's parts of the window (issue 15): codebook versions, …"""
