/** Run after each test file (jest.config.js setupFilesAfterEnv): no simulator outlives its file. */
import { closeAllSims } from '../../sim/server.js';

afterAll(closeAllSims);
