import { contextBridge, ipcRenderer } from 'electron';
import { createSeatdeskBridge } from './bridge';

// window.seatdesk, generated from the shared contract; nothing else is exposed.
contextBridge.exposeInMainWorld('seatdesk', createSeatdeskBridge(ipcRenderer));
