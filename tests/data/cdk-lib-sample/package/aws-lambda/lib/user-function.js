"use strict";class NotInternal{constructor(){new(lambda()).Function(this,"Handler",{}),this.node.tryFindChild("ServiceRole"),this.uid="notAScope"}}
