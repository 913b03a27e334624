# Shared pieces of the prototype: tasks, input transforms, random sigmoid features.
import numpy as np, sys, time
from data import load
sig=lambda z: 1/(1+np.exp(-z))
def tasks_of(classes, per=2):
    return [classes[i:i+per] for i in range(0,len(classes),per)]
class Transform:
    def __init__(s,X,mode):
        s.mode=mode
        s.m=X.mean(0); sd=X.std(0)
        if mode=='none': s.m=np.zeros_like(s.m); s.s=np.ones_like(sd)
        elif mode=='std': s.s=np.where(sd<1e-8,1.0,sd)
        elif mode=='stdfloor': fl=0.1*np.sqrt((sd**2).mean()); s.s=np.maximum(sd,fl)
        elif mode=='global': s.s=np.full_like(sd,np.sqrt((sd**2).mean()))
        elif mode=='globalnc': s.m=np.zeros_like(s.m); s.s=np.full_like(sd,np.sqrt((sd**2).mean()))
        elif mode=='globalmc': s.m=np.full_like(s.m,s.m.mean()); s.s=np.full_like(sd,np.sqrt((sd**2).mean()))
        s.clip = mode in('stdfloor',)
    def __call__(s,X):
        Z=(X-s.m)/s.s
        return np.clip(Z,-6,6) if s.clip else Z
def feats(Z,W,b): return sig(Z@W+b)
